import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { type Suite, type SuiteOptions, startSuite } from '@suite/launcher';
import { createEventPublisher, type EventPublisher } from '@suite/proto';
import { RABBIT_URL, RabbitAdmin, waitFor } from '@suite/test-kit';
import { createLogger } from '@suite/toolbox';
import { type Collection, MongoClient } from 'mongodb';

export const logger = createLogger('listener-service', process.env.TEST_LOG_LEVEL ?? 'silent');

/** What the logger stored of the events a test published, looked up by event name in MongoDB. */
export interface StoredEvents {
  count(name: string): Promise<number>;
  eventIds(name: string): Promise<string[]>;
  /** Waits until at least `expected` events named `name` are stored. */
  waitFor(name: string, expected: number, timeoutMs?: number): Promise<void>;
  /** Every published event stored, and each exactly once. */
  assertExactlyOnce(name: string, eventIds: string[]): Promise<void>;
}

function storedEvents(logs: Collection): StoredEvents {
  const count = (name: string) => logs.countDocuments({ name });
  const eventIds = async (name: string) => {
    const docs = await logs.find({ name }, { projection: { event_id: 1, _id: 0 } }).toArray();
    return docs.map((d) => String(d.event_id));
  };
  return {
    count,
    eventIds,
    async waitFor(name, expected, timeoutMs = 60_000) {
      await waitFor(async () => (await count(name)) >= expected, {
        timeoutMs,
        intervalMs: 250,
        describe: async () => `stored ${await count(name)} of ${expected} events named ${name}`,
      });
    },
    async assertExactlyOnce(name, published) {
      const stored = await eventIds(name);
      assert.equal(stored.length, published.length, 'total stored entries');
      assert.equal(new Set(stored).size, published.length, 'distinct event ids');
      assert.deepEqual(new Set(stored), new Set(published));
    },
  };
}

/** The sum of a prom-client counter's values over all its labels. */
export const counterValue = async (counter: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);

export interface LoggerSuite {
  suite: Suite;
  /** What the logger stored, counted in its collection. */
  stored: StoredEvents;
  admin: RabbitAdmin;
  close(): Promise<void>;
}

/** The suite (the logger-service and whatever else `options` names), what it stored and a RabbitMQ admin. */
export async function openLoggerSuite(options: SuiteOptions): Promise<LoggerSuite> {
  const suite = await startSuite({ env: { LOG_LEVEL: 'warn' }, ...options });
  const mongo = new MongoClient(suite.mongoUrl);
  try {
    await mongo.connect();
    const admin = await RabbitAdmin.connect();
    return {
      suite,
      stored: storedEvents(mongo.db().collection('logs')),
      admin,
      async close() {
        await admin.close();
        await mongo.close();
        await suite.stop();
      },
    };
  } catch (err) {
    await mongo.close();
    await suite.stop();
    throw err;
  }
}

/** A publisher on `exchange` and `queue`, connected, closed when the test ends. */
export async function openEmitter(
  t: TestContext,
  tag: string,
  exchange: string,
  queue: string,
): Promise<EventPublisher> {
  const emitter = createEventPublisher({
    url: RABBIT_URL,
    logger,
    exchange,
    queue,
    publishTimeoutMs: 30_000,
    connectionName: `emitter ${tag}`,
  });
  t.after(() => emitter.close());
  await waitFor(() => emitter.isConnected(), {
    timeoutMs: 10_000,
    describe: () => 'emitter never connected',
  });
  return emitter;
}

/** Publishes `count` events named `name` at once; their data numbers them from `offset`. */
export async function publishMany(
  emitter: EventPublisher,
  name: string,
  count: number,
  offset = 0,
): Promise<string[]> {
  const published = await Promise.all(
    Array.from({ length: count }, (_, i) => emitter.publish({ name, data: `event ${offset + i}` })),
  );
  return published.map((p) => p.eventId);
}
