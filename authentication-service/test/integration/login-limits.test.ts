import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  dropDatabase,
  hashPassword,
  type RunningService,
  readBody,
  SEED,
  startService,
  testDatabase,
} from './support.js';

const wrong = { email: SEED.email, password: 'not-the-password' };
const from = (address: string) => ({ 'x-forwarded-for': address });
const statuses = (responses: Response[]) => responses.map((r) => r.status);
const count = (list: number[], status: number) => list.filter((s) => s === status).length;

describe('login limits behind an untrusted peer', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    // The test connects from 127.0.0.1, which this configuration does not trust as a proxy.
    service = await startService(database.url, { TRUSTED_PROXIES: 'none' });
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when 120 wrong logins each claim another X-Forwarded-For, then they count as one address and are limited', async () => {
    const responses = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        service.post('/authenticate', wrong, from(`198.51.100.${i + 1}, 203.0.113.${i + 1}`)),
      ),
    );
    const list = statuses(responses);
    // RATE_LIMIT_ACCOUNT_ADDRESS_FAILURES (10) guesses are checked, even though all arrived at once.
    assert.equal(count(list, 401), 10, `statuses: ${list.join(',')}`);
    assert.equal(count(list, 429), 110, `statuses: ${list.join(',')}`);
    const refused = responses.find((r) => r.status === 429)!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    assert.match((await readBody(refused)).message, /too many failed login attempts/);
  });
});

describe('login limits behind the trusted broker', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    // The default TRUSTED_PROXIES (127.0.0.1,::1) trusts the test's connection, as it trusts the native broker.
    service = await startService(database.url, {
      RATE_LIMIT_ADDRESS_FAILURES: '15',
      RATE_LIMIT_ACCOUNT_FAILURES: '25',
    });
    for (const email of ['owner@example.com', 'crowd@example.com', 'v6@example.com', 'delayed@example.com']) {
      await service.db.query(
        `INSERT INTO users (email, first_name, last_name, password) VALUES ($1, 'A', 'B', $2)`,
        [email, await hashPassword('the-right-password')],
      );
    }
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when ten wrong passwords come from one address, then that address is refused and the owner still logs in from another', async () => {
    const owner = { email: 'owner@example.com', password: 'the-right-password' };
    for (let i = 0; i < 10; i++) {
      const res = await service.post(
        '/authenticate',
        { ...owner, password: `guess-${i}` },
        from('203.0.113.7'),
      );
      assert.equal(res.status, 401);
    }
    const attacker = await service.post('/authenticate', owner, from('203.0.113.7'));
    assert.equal(attacker.status, 429, 'the guessing address is refused, even with the right password');
    const home = await service.post('/authenticate', owner, from('198.51.100.20'));
    assert.equal(home.status, 202, 'the owner, from elsewhere, is not locked out');
  });

  test('when one address fails on many accounts, then the address is limited and other addresses are not', async () => {
    for (let i = 0; i < 15; i++) {
      const res = await service.post(
        '/authenticate',
        { email: `guess${i}@example.com`, password: 'x' },
        from('203.0.113.8'),
      );
      assert.equal(res.status, 401);
    }
    const blocked = await service.post(
      '/authenticate',
      { email: 'fresh@example.com', password: 'x' },
      from('203.0.113.8'),
    );
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    const other = await service.post(
      '/authenticate',
      { email: 'fresh@example.com', password: 'x' },
      from('203.0.113.9'),
    );
    assert.equal(other.status, 401);
  });

  test('when addresses of one IPv6 /64 guess, then they share one limit and the next /64 does not', async () => {
    const target = { email: 'v6@example.com', password: 'wrong-v6' };
    for (let i = 1; i <= 10; i++) {
      const res = await service.post('/authenticate', target, from(`2001:db8:5:6::${i.toString(16)}`));
      assert.equal(res.status, 401);
    }
    const sameNetwork = await service.post('/authenticate', target, from('2001:db8:5:6:ffff:1:2:3'));
    assert.equal(sameNetwork.status, 429);
    const nextNetwork = await service.post('/authenticate', target, from('2001:db8:5:7::1'));
    assert.equal(nextNetwork.status, 401);
  });

  test('when 50 correct logins for one account arrive at once from one address, then all succeed', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        service.post(
          '/authenticate',
          { email: 'crowd@example.com', password: 'the-right-password' },
          from('198.51.100.50'),
        ),
      ),
    );
    assert.deepEqual(statuses(responses), Array(50).fill(202));
  });

  test('when an account passes its failure ceiling from many addresses, then its owner is slowed, not refused', async () => {
    // RATE_LIMIT_ACCOUNT_FAILURES is 25 here: 30 failures from 30 addresses, none over its own limits.
    for (let i = 0; i < 30; i++) {
      const res = await service.post(
        '/authenticate',
        { email: 'delayed@example.com', password: 'wrong' },
        from(`192.0.2.${i + 1}`),
      );
      assert.equal(res.status, 401);
    }
    const owner = await service.post(
      '/authenticate',
      { email: 'delayed@example.com', password: 'the-right-password' },
      from('198.51.100.77'),
    );
    assert.equal(owner.status, 202);
  });
});
