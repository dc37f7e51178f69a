import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '@suite/toolbox';
import { type AnyBulkWriteOperation, type Db, MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import { createLogStore } from '../../src/store/logs.js';

type Operation = AnyBulkWriteOperation<Record<string, unknown>>;

/**
 * A logs collection whose bulk writes wait until the test answers them, so the test decides what
 * is in flight; the answer is a result (upserted ids by index) or an error.
 */
function fakeDb() {
  const calls: Array<{ operations: Operation[]; answer(outcome: unknown): void }> = [];
  const waiters: Array<() => void> = [];
  const collection = {
    bulkWrite(operations: Operation[]) {
      return new Promise((resolve, reject) => {
        calls.push({
          operations,
          answer: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        });
        for (const wake of waiters.splice(0)) wake();
      });
    },
  };
  const db = { collection: () => collection } as unknown as Db;
  /** Resolves once the n-th bulk write (1-based) has been sent. */
  const sent = async (n: number) => {
    while (calls.length < n) await new Promise<void>((wake) => waiters.push(wake));
    return calls[n - 1]!;
  };
  return { db, calls, sent };
}

const entry = (name: string) => ({ name, data: 'd' });
describe('bulk writes of events', () => {
  test('when MongoDB is unreachable during a bulk write of events, then the events fail with 503 rather than count as stored', async () => {
    const { db, sent } = fakeDb();
    const store = createLogStore(db);
    const pending = store
      .insertEvents([{ entry: entry('e'), ids: { eventId: 'e-1' } }])
      .catch((err: unknown) => err);
    (await sent(1)).answer(
      new MongoBulkWriteError(new MongoNetworkError('connection refused'), { upsertedIds: {} } as never),
    );
    const err = await pending;
    assert.ok(isAppError(err));
    assert.equal(err.status, 503);
  });
});
