import { type Document, type Filter, MongoClient } from 'mongodb';
import { waitFor } from './wait.js';

/** A log entry as the logger stores it, the fields tests look at. */
export interface StoredLog {
  name: string;
  data: string;
  request_id?: string;
  event_id?: string;
}

/** Reads what the logger stored, so tests check side effects at their source rather than trusting answers. */
export async function openLogReader(mongoUrl: string) {
  const mongo = new MongoClient(mongoUrl);
  await mongo.connect();
  const logs = mongo.db().collection('logs');
  const find = async (filter: Filter<Document>) =>
    (await logs.find(filter).toArray()) as unknown as StoredLog[];
  return {
    find,
    /** Polls until `count` entries match; fails naming the filter and what it found after `timeoutMs`. */
    async waitFor(filter: Filter<Document>, count = 1, timeoutMs = 10_000): Promise<StoredLog[]> {
      let found: StoredLog[] = [];
      await waitFor(
        async () => {
          found = await find(filter);
          return found.length >= count;
        },
        {
          timeoutMs,
          intervalMs: 100,
          describe: () =>
            `expected ${count} log entries matching ${JSON.stringify(filter)}, found ${found.length}`,
        },
      );
      return found;
    },
    close: () => mongo.close(),
  };
}
export type LogReader = Awaited<ReturnType<typeof openLogReader>>;
