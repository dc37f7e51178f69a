import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closedPort, uniqueName } from '@suite/test-kit';
import {
  dropDatabase,
  hashPassword,
  type RunningService,
  readBody,
  startService,
  testDatabase,
} from './support.js';

const from = (address: string) => ({ 'x-forwarded-for': address });

describe('login limits shared by two replicas through Redis', () => {
  const database = testDatabase();
  // Both replicas count under one prefix, as every replica of a deployment does.
  const shared = { REDIS_KEY_PREFIX: `${uniqueName('auth_replicas')}:` };
  let replicas: RunningService[] = [];

  before(async () => {
    // One after the other: the first creates and migrates the database, the second finds it ready.
    replicas.push(await startService(database.url, shared));
    replicas.push(await startService(database.url, shared));
    await replicas[0]!.db.query(
      `INSERT INTO users (email, first_name, last_name, password) VALUES ($1, 'A', 'B', $2)`,
      ['shared@example.com', await hashPassword('the-right-password')],
    );
  });
  after(async () => {
    for (const replica of replicas) await replica.close();
    replicas = [];
    await dropDatabase(database.name);
  });

  test('when ten wrong passwords for one account from one address alternate between the replicas, then the eleventh gets 429 on either', async () => {
    const guess = (i: number) => ({ email: 'shared@example.com', password: `guess-${i}` });
    for (let i = 0; i < 10; i++) {
      const res = await replicas[i % 2]!.post('/authenticate', guess(i), from('203.0.113.70'));
      assert.equal(res.status, 401, `attempt ${i + 1} on replica ${i % 2}`);
    }
    for (const replica of replicas) {
      const res = await replica.post('/authenticate', guess(10), from('203.0.113.70'));
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    }
    // The owner, from another address, is not locked out on either replica.
    for (const replica of replicas) {
      const owner = await replica.post(
        '/authenticate',
        { email: 'shared@example.com', password: 'the-right-password' },
        from('198.51.100.70'),
      );
      assert.equal(owner.status, 202);
    }
  });
});

describe('login limits while Redis is unreachable', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    service = await startService(database.url, { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when the limit store does not answer, then every login is refused with 503 naming it, right password or not', async () => {
    for (const password of ['verysecret', 'wrong-password']) {
      const res = await service.post('/authenticate', { email: 'admin@example.com', password });
      assert.equal(res.status, 503);
      const body = await readBody(res);
      assert.deepEqual(body, { error: true, message: 'limit store (Redis) unreachable' });
    }
  });
});
