import { randomBytes } from 'node:crypto';
import { type ServiceName, type Suite, startSuite } from '@suite/launcher';
import { type Document, type Filter, MongoClient } from 'mongodb';

/** Every service except the front-end: the broker and all its real peers. */
export const BROKER_AND_PEERS: ServiceName[] = [
  'logger-service',
  'authentication-service',
  'mail-service',
  'listener-service',
  'broker-service',
];

export interface BrokerSuite {
  suite: Suite;
  logs: LogReader;
  stop(): Promise<void>;
}

/**
 * Starts the broker and its peers. The launcher gives the run its own exchange and queue, so the
 * broker's events never reach the `logs` queue a developer's `make run` consumes.
 */
export async function startBrokerSuite(brokerEnv: Record<string, string> = {}): Promise<BrokerSuite> {
  const suite = await startSuite({
    services: BROKER_AND_PEERS,
    env: { LOG_LEVEL: 'warn' },
    serviceEnv: {
      'listener-service': { RETRY_BASE_MS: '200' },
      'broker-service': brokerEnv,
    },
  });
  const mongo = new MongoClient(suite.mongoUrl);
  await mongo.connect();
  return {
    suite,
    logs: createLogReader(mongo),
    async stop() {
      await mongo.close();
      await suite.stop();
    },
  };
}

export interface StoredLog {
  name: string;
  data: string;
  request_id?: string;
  event_id?: string;
}

export interface LogReader {
  find(filter: Filter<Document>): Promise<StoredLog[]>;
  /** Polls until at least `count` entries match, then returns them; fails naming the filter after `timeoutMs`. */
  waitFor(filter: Filter<Document>, count?: number, timeoutMs?: number): Promise<StoredLog[]>;
}

/** Reads log entries where the logger stores them, to check side effects at the source. */
export function createLogReader(mongo: MongoClient): LogReader {
  const logs = mongo.db().collection('logs');
  const find = async (filter: Filter<Document>) =>
    (await logs.find(filter).toArray()) as unknown as StoredLog[];
  return {
    find,
    async waitFor(filter, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await find(filter);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `expected ${count} log entries matching ${JSON.stringify(filter)} within ${timeoutMs} ms, found ${found.length}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

export function uniqueTag(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
