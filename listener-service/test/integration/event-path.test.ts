import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, type TestContext, test } from 'node:test';
import { setTimeout as outageOf } from 'node:timers/promises';
import type { Suite } from '@suite/launcher';
import { DEAD_REASON_HEADER, type EventPublisher, eventTopology } from '@suite/proto';
import {
  closeConnectionsNamed,
  consumerPrefetches,
  RABBIT_URL,
  type RabbitAdmin,
  uniqueName,
  waitFor,
} from '@suite/test-kit';
import { closeHttpServer, listen } from '@suite/toolbox';
import { readConfig } from '../../src/config.js';
import { replayDeadLetters } from '../../src/replay.js';
import { buildListener, type Listener } from '../../src/service.js';
import {
  counterValue,
  logger,
  openEmitter,
  openLoggerSuite,
  publishMany,
  type StoredEvents,
} from './support.js';

let suite: Suite;
let stored: StoredEvents;
let admin: RabbitAdmin;
let close: (() => Promise<void>) | undefined;

before(async () => {
  ({ suite, stored, admin, close } = await openLoggerSuite({ services: ['logger-service'] }));
});

after(() => close?.());

/** The listener as main.ts runs it, its health and metrics served on an ephemeral port. */
type RunningListener = Listener & { url: string; stop(): Promise<void> };

interface Fixture {
  /** Unique per test: the event name, so MongoDB counts see only this test's entries. */
  tag: string;
  exchange: string;
  queue: string;
  emitter: EventPublisher;
  listen(overrides?: Record<string, string>): Promise<RunningListener>;
}

/** A throw-away exchange and queue per test, so tests never see each other's events. */
async function fixture(t: TestContext): Promise<Fixture> {
  const tag = uniqueName('evt');
  const exchange = `${tag}_exchange`;
  const queue = `${tag}_queue`;
  const listeners: RunningListener[] = [];
  const emitter = await openEmitter(t, tag, exchange, queue);
  t.after(async () => {
    await Promise.all(listeners.map((l) => l.stop()));
    await admin.deleteTopology(eventTopology({ exchange, queue }));
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
        RETRY_BASE_MS: '50',
        RETRY_MAX_MS: '1000',
        ...overrides,
      });
      const built = buildListener(config, { logger });
      const server = http.createServer(built.app);
      const port = await listen(server, 0);
      const listener: RunningListener = {
        ...built,
        url: `http://127.0.0.1:${port}`,
        async stop() {
          await built.close();
          await closeHttpServer(server);
        },
      };
      listeners.push(listener);
      await waitFor(() => listener.consumer.isConsuming(), {
        timeoutMs: 10_000,
        describe: () => 'listener never started consuming',
      });
      return listener;
    },
  };
}

describe('listener event path against RabbitMQ and the logger', () => {
  test('when 10,000 events were published while no listener ran, then a listener stores each exactly once', async (t) => {
    const f = await fixture(t);
    const eventIds = await publishMany(f.emitter, f.tag, 10_000);
    assert.equal(await admin.messageCount(f.queue), 10_000);

    const listener = await f.listen();
    const ready = await fetch(`${listener.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await consumerPrefetches(f.queue), [100], 'one consumer with the configured prefetch');
    await stored.waitFor(f.tag, 10_000);

    await stored.assertExactlyOnce(f.tag, eventIds);
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
    await stored.waitFor(f.tag, 300);

    const closed = await closeConnectionsNamed(f.queue);
    assert.ok(closed >= 1, 'the listener connection was found and closed');
    const after = await publishMany(f.emitter, f.tag, 1000, 3000);

    await stored.waitFor(f.tag, 4000);
    await stored.assertExactlyOnce(f.tag, [...before, ...after]);
    assert.equal(listener.consumer.isConsuming(), true);
    assert.equal(await admin.messageCount(f.queue), 0);
  });

  test('when two listeners share the queue, then each event is stored once and both did work', async (t) => {
    const f = await fixture(t);
    const viaRpc = await f.listen({ LOGGER_TRANSPORT: 'rpc', PREFETCH: '20' });
    const viaGrpc = await f.listen({ LOGGER_TRANSPORT: 'grpc', PREFETCH: '20' });

    const eventIds = await publishMany(f.emitter, f.tag, 2000);
    await stored.waitFor(f.tag, 2000);

    await stored.assertExactlyOnce(f.tag, eventIds);
    const storedByRpc = await counterValue(viaRpc.metrics.stored);
    const storedByGrpc = await counterValue(viaGrpc.metrics.stored);
    assert.ok(storedByRpc > 0, 'the JSON-RPC listener stored some events');
    assert.ok(storedByGrpc > 0, 'the gRPC listener stored some events');
    assert.equal(storedByRpc + storedByGrpc, 2000);
  });

  /** Publishes 200 events into an outage of the logger, ends it, and checks the aftermath. */
  async function throughOutage(
    t: TestContext,
    outage: { begin(): Promise<void>; end(): Promise<void>; lastsMs: number },
  ) {
    const f = await fixture(t);
    const listener = await f.listen({ RETRY_BASE_MS: '200', RETRY_MAX_MS: '2000' });
    await outage.begin();
    let over = false;
    t.after(async () => {
      if (!over) await outage.end();
    });

    const eventIds = await publishMany(f.emitter, f.tag, 200);
    await outageOf(outage.lastsMs);
    assert.ok((await counterValue(listener.metrics.retried)) > 0, 'events were retried during the outage');
    await outage.end();
    over = true;

    await stored.waitFor(f.tag, 200);
    // Copies of events that were stored after all (a timed-out call the logger answered late) still
    // come back from the retry queue once; each is then a no-op thanks to the event id.
    const { retryQueue, deadQueue } = eventTopology({ queue: f.queue });
    const drained = async () =>
      (await admin.messageCount(f.queue)) + (await admin.messageCount(retryQueue)) === 0 &&
      listener.consumer.inFlight() === 0;
    await waitFor(drained, {
      timeoutMs: 30_000,
      describe: () => 'the queues did not drain after the outage',
    });
    await stored.assertExactlyOnce(f.tag, eventIds);
    assert.equal(await counterValue(listener.metrics.deadLettered), 0);
    assert.equal(await admin.messageCount(deadQueue), 0);
  }

  test('when the logger is unreachable for 60 s, then every event is stored exactly once afterwards and nothing is dead-lettered', async (t) => {
    await throughOutage(t, {
      begin: () => suite.stopService('logger-service'),
      end: () => suite.startService('logger-service'),
      lastsMs: 60_000,
    });
  });

  test('when the logger hangs for 90 s (stopped, its sockets open), then every event is stored exactly once afterwards and nothing is dead-lettered', async (t) => {
    let pid: number | undefined;
    await throughOutage(t, {
      async begin() {
        pid = suite.pid('logger-service');
        assert.ok(pid, 'the logger runs');
        process.kill(pid, 'SIGSTOP');
      },
      async end() {
        if (pid) process.kill(pid, 'SIGCONT');
      },
      lastsMs: 90_000,
    });
  });

  test('when dead-lettered events are replayed, then the valid ones are stored and a malformed one goes back to the dead queue once', async (t) => {
    const f = await fixture(t);
    const { deadQueue } = eventTopology({ exchange: f.exchange, queue: f.queue });
    const channel = await admin.channel();
    const valid = { name: f.tag, data: 'dead-lettered while the logger refused it' };
    channel.sendToQueue(deadQueue, Buffer.from(JSON.stringify(valid)), {
      persistent: true,
      messageId: `${f.tag}-1`,
      headers: { [DEAD_REASON_HEADER]: 'logger rejected the event', 'x-attempts': 3 },
    });
    channel.sendToQueue(deadQueue, Buffer.from('still {not json'), {
      persistent: true,
      messageId: `${f.tag}-2`,
    });
    await channel.close();
    await waitFor(async () => (await admin.messageCount(deadQueue)) === 2, {
      timeoutMs: 5000,
      describe: () => 'the dead letters never arrived',
    });
    const listener = await f.listen();

    const moved = await replayDeadLetters({
      url: RABBIT_URL,
      topology: eventTopology({ exchange: f.exchange, queue: f.queue }),
    });

    assert.equal(moved, 2);
    await stored.waitFor(f.tag, 1);
    assert.deepEqual(await stored.eventIds(f.tag), [`${f.tag}-1`]);
    await waitFor(async () => (await counterValue(listener.metrics.deadLettered)) === 1, {
      timeoutMs: 10_000,
      describe: () => 'the malformed message was not dead-lettered again',
    });
    const dead = await admin.getOne(deadQueue);
    assert.equal(dead?.content.toString(), 'still {not json');
    assert.equal(await admin.messageCount(deadQueue), 0);
  });

  test('when a malformed message arrives, then it goes to the dead queue and the next event is still stored', async (t) => {
    const f = await fixture(t);
    const listener = await f.listen();
    const { deadQueue } = eventTopology({ exchange: f.exchange, queue: f.queue });

    await admin.publishRaw(f.exchange, 'log.ERROR', Buffer.from('this is {not json'));
    const [eventId] = await publishMany(f.emitter, f.tag, 1);
    await stored.waitFor(f.tag, 1);

    assert.deepEqual(await stored.eventIds(f.tag), [eventId]);
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
    await stored.waitFor(f.tag, 10);
    await stored.assertExactlyOnce(f.tag, eventIds);
  });

  test('when a listener stops mid-stream, then its in-flight events are finished and the rest wait for the next one', async (t) => {
    const f = await fixture(t);
    const eventIds = await publishMany(f.emitter, f.tag, 2000);
    const first = await f.listen({ PREFETCH: '50' });
    await stored.waitFor(f.tag, 200);

    await first.stop();

    assert.equal(first.consumer.inFlight(), 0);
    const consumed = await counterValue(first.metrics.consumed);
    assert.equal(
      await counterValue(first.metrics.stored),
      consumed,
      'every delivered event was stored and acked',
    );
    assert.equal((await admin.messageCount(f.queue)) + (await stored.count(f.tag)), 2000);

    await f.listen();
    await stored.waitFor(f.tag, 2000);
    await stored.assertExactlyOnce(f.tag, eventIds);
  });
});
