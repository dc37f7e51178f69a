import type { TestContext } from 'node:test';
import { type Suite, type SuiteOptions, startSuite } from '@suite/launcher';
import { createEventPublisher, type EventPublisher } from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import { type Collection, MongoClient } from 'mongodb';
import { RABBIT_URL, RabbitAdmin, waitFor } from '../../../proto/test/support/rabbit.js';

export const logger = createLogger('listener-service', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface LoggerSuite {
  suite: Suite;
  /** The logger's collection, to count what was stored. */
  logs: Collection;
  admin: RabbitAdmin;
  close(): Promise<void>;
}

/** The suite (the logger-service and whatever else `options` names), its logs collection and a RabbitMQ admin. */
export async function openLoggerSuite(options: SuiteOptions): Promise<LoggerSuite> {
  const suite = await startSuite({ env: { LOG_LEVEL: 'warn' }, ...options });
  const mongo = new MongoClient(suite.mongoUrl);
  try {
    await mongo.connect();
    const admin = await RabbitAdmin.connect();
    return {
      suite,
      logs: mongo.db().collection('logs'),
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
