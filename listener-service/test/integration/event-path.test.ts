import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import { type Suite, startSuite } from '@suite/launcher';
import { createEventEmitter, DEAD_REASON_HEADER, type EventEmitter, eventTopology } from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import { type Collection, MongoClient } from 'mongodb';
import { readConfig } from '../../src/config.js';
import { type Listener, startListener } from '../../src/listener.js';
import {
  closeConnectionsNamed,
  consumerPrefetches,
  RABBIT_URL,
  RabbitAdmin,
  randomTag,
  waitFor,
} from '../support/rabbit.js';

const logger = createLogger('listener-service', process.env.TEST_LOG_LEVEL ?? 'silent');

let suite: Suite;
let mongo: MongoClient;
let logs: Collection;
let admin: RabbitAdmin;

before(async () => {
  suite = await startSuite({ services: ['logger-service'], env: { LOG_LEVEL: 'warn' } });
  mongo = new MongoClient(suite.mongoUrl);
  await mongo.connect();
  logs = mongo.db().collection('logs');
  admin = await RabbitAdmin.connect();
});

after(async () => {
  await admin?.close();
  await mongo?.close();
  await suite?.stop();
});

interface Fixture {
  /** Unique per test: the event name, so MongoDB counts see only this test's entries. */
  tag: string;
  exchange: string;
  queue: string;
  emitter: EventEmitter;
  listen(overrides?: Record<string, string>): Promise<Listener>;
}

/** A throw-away exchange and queue per test, so tests never see each other's events. */
async function fixture(t: TestContext): Promise<Fixture> {
  const tag = randomTag('evt');
  const exchange = `${tag}_exchange`;
  const queue = `${tag}_queue`;
  const listeners: Listener[] = [];
  const emitter = createEventEmitter({
    url: RABBIT_URL,
    logger,
    exchange,
    queue,
    publishTimeoutMs: 30_000,
    connectionName: `emitter ${tag}`,
  });
  t.after(async () => {
    await Promise.all(listeners.map((l) => l.stop()));
    await emitter.close();
    await admin.deleteTopology(exchange, queue);
  });
  await waitFor(() => emitter.isConnected(), {
    timeoutMs: 10_000,
    describe: () => 'emitter never connected',
  });
  return {
    tag,
    exchange,
    queue,
    emitter,
    async listen(overrides = {}) {
      const config = readConfig({
        RABBIT_URL,
        LOGGER_RPC_ADDR: suite.addresses.loggerRpc,
        LOGGER_GRPC_ADDR: suite.addresses.loggerGrpc,
        EXCHANGE_NAME: exchange,
        QUEUE_NAME: queue,
        PORT: '0',
        PREFETCH: '100',
        MAX_ATTEMPTS: '20',
        RETRY_BASE_MS: '50',
        RETRY_MAX_MS: '1000',
        ...overrides,
      });
      const listener = await startListener(config, logger);
      listeners.push(listener);
      await waitFor(() => listener.consumer.isConsuming(), {
        timeoutMs: 10_000,
        describe: () => 'listener never started consuming',
      });
      return listener;
    },
  };
}

async function publishMany(
  emitter: EventEmitter,
  name: string,
  count: number,
  offset = 0,
): Promise<string[]> {
  const published = await Promise.all(
    Array.from({ length: count }, (_, i) => emitter.publish({ name, data: `event ${offset + i}` })),
  );
  return published.map((p) => p.eventId);
}

const storedCount = (name: string) => logs.countDocuments({ name });

async function storedEventIds(name: string): Promise<string[]> {
  const docs = await logs.find({ name }, { projection: { event_id: 1, _id: 0 } }).toArray();
  return docs.map((d) => String(d.event_id));
}

async function waitUntilStored(name: string, expected: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await storedCount(name)) >= expected, {
    timeoutMs,
    intervalMs: 250,
    describe: async () => `stored ${await storedCount(name)} of ${expected} events named ${name}`,
  });
}

/** Every published event stored, and each exactly once. */
async function assertStoredExactlyOnce(name: string, eventIds: string[]): Promise<void> {
  const stored = await storedEventIds(name);
  assert.equal(stored.length, eventIds.length, 'total stored entries');
  assert.equal(new Set(stored).size, eventIds.length, 'distinct event ids');
  assert.deepEqual(new Set(stored), new Set(eventIds));
}

const counterValue = async (counter: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);

describe('listener event path against RabbitMQ and the logger', () => {
  test('when 10,000 events were published while no listener ran, then a listener stores each exactly once', async (t) => {
    const f = await fixture(t);
    const eventIds = await publishMany(f.emitter, f.tag, 10_000);
    assert.equal(await admin.messageCount(f.queue), 10_000);

    const listener = await f.listen();
    const ready = await fetch(`${listener.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await consumerPrefetches(f.queue), [100], 'one consumer with the configured prefetch');
    await waitUntilStored(f.tag, 10_000);

    await assertStoredExactlyOnce(f.tag, eventIds);
    await waitFor(
      async () => (await admin.messageCount(f.queue)) === 0 && listener.consumer.inFlight() === 0,
      {
        timeoutMs: 10_000,
        describe: () => 'queue not drained',
      },
    );
    assert.equal((await fetch(`${listener.url}/ping`)).status, 200);
    const metrics = await (await fetch(`${listener.url}/metrics`)).text();
    for (const line of [
      'listener_events_consumed_total{service="listener-service"} 10000',
      'listener_events_stored_total{service="listener-service"} 10000',
      'listener_events_retried_total{service="listener-service"} 0',
      'listener_events_dead_lettered_total{reason="malformed",service="listener-service"} 0',
      'listener_events_in_flight{service="listener-service"} 0',
    ]) {
      assert.ok(
        metrics.split('\n').includes(line),
        `/metrics lacks "${line}":\n${metrics
          .split('\n')
          .filter((l) => l.startsWith('listener_'))
          .join('\n')}`,
      );
    }
  });

  test('when RabbitMQ drops the listener connection mid-stream, then consumption resumes and each event is stored once', async (t) => {
    const f = await fixture(t);
    const before = await publishMany(f.emitter, f.tag, 3000);
    const listener = await f.listen({ PREFETCH: '50' });
    await waitUntilStored(f.tag, 300);

    const closed = await closeConnectionsNamed(f.queue);
    assert.ok(closed >= 1, 'the listener connection was found and closed');
    const after = await publishMany(f.emitter, f.tag, 1000, 3000);

    await waitUntilStored(f.tag, 4000);
    await assertStoredExactlyOnce(f.tag, [...before, ...after]);
    assert.equal(listener.consumer.isConsuming(), true);
    assert.equal(await admin.messageCount(f.queue), 0);
  });

  test('when two listeners share the queue, then each event is stored once and both did work', async (t) => {
    const f = await fixture(t);
    const viaRpc = await f.listen({ LOGGER_TRANSPORT: 'rpc', PREFETCH: '20' });
    const viaGrpc = await f.listen({ LOGGER_TRANSPORT: 'grpc', PREFETCH: '20' });

    const eventIds = await publishMany(f.emitter, f.tag, 2000);
    await waitUntilStored(f.tag, 2000);

    await assertStoredExactlyOnce(f.tag, eventIds);
    const storedByRpc = await counterValue(viaRpc.metrics.stored);
    const storedByGrpc = await counterValue(viaGrpc.metrics.stored);
    assert.ok(storedByRpc > 0, 'the JSON-RPC listener stored some events');
    assert.ok(storedByGrpc > 0, 'the gRPC listener stored some events');
    assert.equal(storedByRpc + storedByGrpc, 2000);
  });

  test('when the logger is down for a while, then events wait in the retry queue and are all stored once it returns', async (t) => {
    const f = await fixture(t);
    const listener = await f.listen();
    await suite.stopService('logger-service');
    let loggerRunning = false;
    t.after(async () => {
      if (!loggerRunning) await suite.startService('logger-service');
    });

    const eventIds = await publishMany(f.emitter, f.tag, 200);
    await waitFor(async () => (await counterValue(listener.metrics.retried)) > 0, {
      timeoutMs: 10_000,
      describe: () => 'no event was sent to the retry queue',
    });
    await suite.startService('logger-service');
    loggerRunning = true;

    await waitUntilStored(f.tag, 200);
    await assertStoredExactlyOnce(f.tag, eventIds);
    const exposition = await (await fetch(`${listener.url}/metrics`)).text();
    const retried = Number(/^listener_events_retried_total(?:\{[^}]*\})? (\d+)/m.exec(exposition)?.[1]);
    assert.ok(retried > 0, `listener_events_retried_total should be positive:\n${exposition.slice(0, 500)}`);
    assert.equal(await counterValue(listener.metrics.deadLettered), 0);
    assert.equal(await admin.messageCount(eventTopology({ queue: f.queue }).deadQueue), 0);
  });

  test('when a malformed message arrives, then it goes to the dead queue and the next event is still stored', async (t) => {
    const f = await fixture(t);
    const listener = await f.listen();
    const { deadQueue } = eventTopology({ exchange: f.exchange, queue: f.queue });

    await admin.publishRaw(f.exchange, 'log.ERROR', Buffer.from('this is {not json'));
    const [eventId] = await publishMany(f.emitter, f.tag, 1);
    await waitUntilStored(f.tag, 1);

    assert.deepEqual(await storedEventIds(f.tag), [eventId]);
    await waitFor(async () => (await admin.messageCount(deadQueue)) === 1, {
      timeoutMs: 5000,
      describe: () => 'the malformed message never reached the dead queue',
    });
    const dead = await admin.getOne(deadQueue);
    assert.equal(dead?.content.toString(), 'this is {not json');
    assert.match(String(dead?.properties.headers?.[DEAD_REASON_HEADER]), /malformed JSON/);
    assert.equal(await admin.messageCount(f.queue), 0);
    assert.equal(await counterValue(listener.metrics.deadLettered), 1);
  });

  test('when its queue is deleted under it, then the listener declares it again and keeps consuming', async (t) => {
    const f = await fixture(t);
    const listener = await f.listen();
    const channel = await admin.channel();
    await channel.deleteQueue(f.queue);
    await channel.close();

    await waitFor(async () => listener.consumer.isConsuming() && (await admin.queueExists(f.queue)), {
      timeoutMs: 10_000,
      describe: () => 'the listener did not re-declare its queue',
    });
    const eventIds = await publishMany(f.emitter, f.tag, 10);
    await waitUntilStored(f.tag, 10);
    await assertStoredExactlyOnce(f.tag, eventIds);
  });

  test('when a listener stops mid-stream, then its in-flight events are finished and the rest wait for the next one', async (t) => {
    const f = await fixture(t);
    const eventIds = await publishMany(f.emitter, f.tag, 2000);
    const first = await f.listen({ PREFETCH: '50' });
    await waitUntilStored(f.tag, 200);

    await first.stop();

    assert.equal(first.consumer.inFlight(), 0);
    const consumed = await counterValue(first.metrics.consumed);
    assert.equal(
      await counterValue(first.metrics.stored),
      consumed,
      'every delivered event was stored and acked',
    );
    assert.equal((await admin.messageCount(f.queue)) + (await storedCount(f.tag)), 2000);

    await f.listen();
    await waitUntilStored(f.tag, 2000);
    await assertStoredExactlyOnce(f.tag, eventIds);
  });
});
