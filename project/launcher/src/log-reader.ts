import { type Document, type Filter, MongoClient } from 'mongodb';

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
    /** Polls until `count` entries match; fails naming the filter after `timeoutMs`. */
    async waitFor(filter: Filter<Document>, count = 1, timeoutMs = 10_000): Promise<StoredLog[]> {
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
    close: () => mongo.close(),
  };
}
export type LogReader = Awaited<ReturnType<typeof openLogReader>>;
