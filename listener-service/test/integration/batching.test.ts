import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { Suite } from '@suite/launcher';
import { DEAD_REASON_HEADER, type EventPublisher, eventTopology } from '@suite/proto';
import { queueCounts, RABBIT_URL, type RabbitAdmin, uniqueName, waitFor } from '@suite/test-kit';
import { createLoggerClient } from '../../src/clients/logger.js';
import { readConfig } from '../../src/config.js';
import { buildListener, type Listener } from '../../src/service.js';
import {
  counterValue,
  logger,
  openEmitter,
  openLoggerSuite,
  publishMany,
  type StoredEvents,
} from './support.js';

/**
 * The listener's batching (many events per logger call, one ack frame for many deliveries) against
 * real RabbitMQ and a real logger-service: it must keep every guarantee of the one-by-one path.
 */
let suite: Suite;
let stored: StoredEvents;
let admin: RabbitAdmin;
let close: (() => Promise<void>) | undefined;

before(async () => {
  // The suite's own listener runs as a child process, so a test can kill it like a crash would.
  ({ suite, stored, admin, close } = await openLoggerSuite({
    services: ['logger-service', 'listener-service'],
    serviceEnv: { 'listener-service': { PREFETCH: '300' } },
  }));
});

after(() => close?.());

interface Topic {
  tag: string;
  exchange: string;
  queue: string;
  emitter: EventPublisher;
}

async function topic(t: TestContext, names?: { exchange: string; queue: string }): Promise<Topic> {
  const tag = uniqueName('batch');
  const exchange = names?.exchange ?? `${tag}_exchange`;
  const queue = names?.queue ?? `${tag}_queue`;
  const emitter = await openEmitter(t, tag, exchange, queue);
  // The suite's own topology is deleted when the suite stops.
  if (!names) t.after(() => admin.deleteTopology(eventTopology({ exchange, queue })));
  return { tag, exchange, queue, emitter };
}

/** A listener in this process on the topic's queue; `loggerTimeoutMs` is how long it waits for an answer. */
async function listenTo(t: TestContext, on: Topic, loggerTimeoutMs = 5000): Promise<Listener> {
  const config = readConfig({
    RABBIT_URL,
    LOGGER_RPC_ADDR: suite.addresses.loggerRpc,
    EXCHANGE_NAME: on.exchange,
    QUEUE_NAME: on.queue,
    PORT: '0',
    PREFETCH: '300',
    RETRY_BASE_MS: '50',
    RETRY_MAX_MS: '1000',
  });
  const loggerClient = createLoggerClient({
    transport: 'rpc',
    rpcAddress: suite.addresses.loggerRpc,
    grpcAddress: suite.addresses.loggerGrpc,
    timeoutMs: loggerTimeoutMs,
  });
  const listener = buildListener(config, { logger, loggerClient });
  t.after(() => listener.close());
  await waitFor(() => listener.consumer.isConsuming(), {
    timeoutMs: 10_000,
    describe: () => 'listener never started consuming',
  });
  return listener;
}

describe('listener batching against RabbitMQ and the logger', () => {
  test('when one event of a batch is refused by the logger, then only it is dead-lettered and the others are stored and acked', async (t) => {
    const on = await topic(t);
    const { deadQueue } = eventTopology({ exchange: on.exchange, queue: on.queue });
    // A message id longer than the logger's 128-character event id limit: the logger answers
    // "invalid params" for this event only. The listener itself accepts it.
    const badId = `${on.tag}-${'x'.repeat(200)}`;
    const goodIds: string[] = [];
    const channel = await admin.channel();
    for (let i = 0; i < 40; i++) {
      const messageId = i === 17 ? badId : `${on.tag}-${i}`;
      if (i !== 17) goodIds.push(messageId);
      channel.publish(on.exchange, 'log.INFO', Buffer.from(JSON.stringify({ name: on.tag, data: `e${i}` })), {
        persistent: true,
        messageId,
      });
    }
    await channel.close();
    await waitFor(async () => (await admin.messageCount(on.queue)) === 40, {
      timeoutMs: 5000,
      describe: () => 'the 40 events never reached the queue',
    });

    // All 40 wait in the queue, so they arrive together and leave in one batch.
    const listener = await listenTo(t, on);
    await waitFor(
      async () => (await admin.messageCount(deadQueue)) === 1 && (await stored.count(on.tag)) === 39,
      {
        timeoutMs: 20_000,
        describe: async () =>
          `stored ${await stored.count(on.tag)}, dead ${await admin.messageCount(deadQueue)}`,
      },
    );

    await stored.assertExactlyOnce(on.tag, goodIds);
    const dead = await admin.getOne(deadQueue);
    assert.equal(dead?.properties.messageId, badId);
    assert.match(String(dead?.properties.headers?.[DEAD_REASON_HEADER]), /logger rejected the event/);
    await waitFor(async () => (await queueCounts(on.queue)).unacked === 0, {
      timeoutMs: 10_000,
      describe: async () => `queue still holds ${JSON.stringify(await queueCounts(on.queue))}`,
    });
    assert.deepEqual(await queueCounts(on.queue), { ready: 0, unacked: 0 });
    assert.equal(await counterValue(listener.metrics.stored), 39);
    assert.equal(await counterValue(listener.metrics.deadLettered), 1);
    assert.equal(await counterValue(listener.metrics.retried), 0);
  });

  test('when the logger holds its answer, then no delivery is acked until it answers', async (t) => {
    const on = await topic(t);
    // The wait for the logger's answer outlasts the test's hold, so the events are not retried meanwhile.
    const listener = await listenTo(t, on, 60_000);
    const pid = suite.pid('logger-service');
    assert.ok(pid, 'the logger runs');
    process.kill(pid, 'SIGSTOP');
    let held = true;
    t.after(() => {
      if (held) process.kill(pid, 'SIGCONT');
    });

    const eventIds = await publishMany(on.emitter, on.tag, 120);
    await waitFor(async () => (await counterValue(listener.metrics.consumed)) === 120, {
      timeoutMs: 10_000,
      describe: async () => `consumed ${await counterValue(listener.metrics.consumed)} of 120`,
    });
    // Every event reached the listener and its batch was sent; the logger has not answered.
    assert.deepEqual(await queueCounts(on.queue), { ready: 0, unacked: 120 });
    assert.equal(await stored.count(on.tag), 0);
    assert.equal(listener.consumer.inFlight(), 120);
    assert.deepEqual(await queueCounts(on.queue), { ready: 0, unacked: 120 }, 'still nothing acked');

    process.kill(pid, 'SIGCONT');
    held = false;
    await waitFor(async () => (await queueCounts(on.queue)).unacked === 0, {
      timeoutMs: 20_000,
      describe: async () => `queue holds ${JSON.stringify(await queueCounts(on.queue))}`,
    });
    await stored.assertExactlyOnce(on.tag, eventIds);
    assert.equal(await counterValue(listener.metrics.retried), 0);
  });

  test('when the listener is killed mid-batch, then after its restart every event is stored exactly once', async (t) => {
    const on = await topic(t, { exchange: suite.exchangeName, queue: suite.queueName });
    const eventIds = await publishMany(on.emitter, on.tag, 6000);
    await waitFor(async () => (await stored.count(on.tag)) >= 600, {
      timeoutMs: 30_000,
      describe: async () => `stored ${await stored.count(on.tag)} of 600 before the kill`,
    });

    const pid = suite.pid('listener-service');
    assert.ok(pid, 'the listener runs');
    process.kill(pid, 'SIGKILL');
    await waitFor(() => suite.pid('listener-service') === undefined, {
      timeoutMs: 5000,
      describe: () => 'the listener did not die',
    });
    const storedAtKill = await stored.count(on.tag);
    assert.ok(storedAtKill < 6000, `the kill came mid-stream (${storedAtKill} stored)`);

    await suite.startService('listener-service');
    await waitFor(async () => (await stored.count(on.tag)) >= 6000, {
      timeoutMs: 60_000,
      intervalMs: 250,
      describe: async () => `stored ${await stored.count(on.tag)} of 6000 after the restart`,
    });
    await waitFor(
      async () => {
        const counts = await queueCounts(on.queue);
        return counts.ready + counts.unacked === 0;
      },
      {
        timeoutMs: 20_000,
        describe: async () => `queue holds ${JSON.stringify(await queueCounts(on.queue))}`,
      },
    );
    await stored.assertExactlyOnce(on.tag, eventIds);
  });
});
