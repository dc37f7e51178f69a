import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { closedPort, uniqueName } from '@suite/test-kit';
import { startBroker, type TestBroker } from '../support/fakes.js';
import { waitForDependency } from '../support/suite.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const mail = (i: number) => ({
  action: 'mail',
  mail: { from: 'me@example.com', to: 'you@example.com', subject: `limit ${i}`, message: 'm' },
});

describe('the mail limit in the real Redis', () => {
  const brokers: TestBroker[] = [];
  after(async () => {
    for (const broker of brokers) await broker.close();
  });
  /** A broker whose mail limit counts in Redis (`limits: undefined` drops the test kit's memory store). */
  const broker = async (env: Record<string, string>) => {
    const started = await startBroker({ limits: undefined }, { REDIS_URL, ...env });
    brokers.push(started);
    return started;
  };

  test('when one client alternates between two broker replicas, then the limit counts both and the next mail gets 429 on either', async () => {
    const shared = { REDIS_KEY_PREFIX: `${uniqueName('broker_replicas')}:`, MAIL_RATE_LIMIT: '4' };
    const replicas = [await broker(shared), await broker(shared)];
    for (const replica of replicas) await waitForDependency(replica.url, 'redis');
    for (let i = 0; i < 4; i++) {
      const res = await replicas[i % 2]!.post('/handle', mail(i));
      assert.equal(res.status, 202, `mail ${i + 1} on replica ${i % 2}`);
    }
    for (const replica of replicas) {
      const res = await replica.post('/handle', mail(99));
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    }
    const sent = replicas.flatMap((r) => r.calls.mail.filter((c) => c.path === '/send'));
    assert.equal(sent.length, 4, 'refused mails never reach the mail-service');
  });

  test('when Redis is unreachable, then mail is refused with 503 naming the limit store and never sent', async () => {
    const down = await broker({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const res = await down.post('/handle', mail(1));
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: true, message: 'limit store (Redis) unreachable' });
    assert.equal(down.calls.mail.filter((c) => c.path === '/send').length, 0);
    const health = await (await fetch(`${down.url}/health/dependencies`)).json();
    assert.equal(health.data.redis, 'down');
  });
});
