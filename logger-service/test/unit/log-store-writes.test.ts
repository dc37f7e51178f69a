import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPeerError, RPC_MAX_BATCH } from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import {
  type AnyBulkWriteOperation,
  type Db,
  MongoBulkWriteError,
  MongoNetworkError,
  ObjectId,
} from 'mongodb';
import { createRpcDispatcher } from '../../src/rpc/dispatcher.js';
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

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
const entry = (name: string) => ({ name, data: 'd' });
const upsertsOf = (operations: Operation[]) =>
  Object.fromEntries(operations.flatMap((op, i) => ('updateOne' in op ? [[i, new ObjectId()]] : [])));

describe('grouped single-entry writes', () => {
  test('when entries arrive in one turn, then they go in one unordered bulk write and each gets its own id', async () => {
    const { db, calls, sent } = fakeDb();
    const store = createLogStore(db);
    const pending = [1, 2, 3].map((i) => store.insert(entry(`n${i}`), { requestId: `r${i}` }));
    const call = await sent(1);
    assert.equal(call.operations.length, 3);
    call.answer({ upsertedIds: {} });
    const outcomes = await Promise.all(pending);
    const sentIds = call.operations.map((op) =>
      'insertOne' in op ? String((op.insertOne.document._id as ObjectId).toHexString()) : '',
    );
    assert.deepEqual(
      outcomes.map((o) => o.id),
      sentIds,
    );
    assert.equal(new Set(sentIds).size, 3);
    assert.ok(outcomes.every((o) => !o.duplicate));
    assert.equal(calls.length, 1);
  });

  test('when entries arrive while a write is in flight, then they wait for it and go together in the next one', async () => {
    const { db, calls, sent } = fakeDb();
    const store = createLogStore(db);
    const first = store.insert(entry('first'));
    const firstCall = await sent(1);
    const later = [store.insert(entry('a')), store.insert(entry('b')), store.insert(entry('c'))];
    await turns(3);
    assert.equal(calls.length, 1, 'nothing else is sent while a write is in flight');
    firstCall.answer({ upsertedIds: {} });
    await first;
    const secondCall = await sent(2);
    assert.deepEqual(
      secondCall.operations.map((op) => ('insertOne' in op ? op.insertOne.document.name : null)),
      ['a', 'b', 'c'],
    );
    secondCall.answer({ upsertedIds: {} });
    await Promise.all(later);
  });

  test('when more entries wait than the cap, then each bulk write takes at most the cap', async () => {
    const { db, sent } = fakeDb();
    const store = createLogStore(db, { maxGroup: 2 });
    const pending = [1, 2, 3, 4, 5].map((i) => store.insert(entry(`n${i}`)));
    const sizes: number[] = [];
    for (let n = 1; n <= 3; n++) {
      const call = await sent(n);
      sizes.push(call.operations.length);
      call.answer({ upsertedIds: {} });
    }
    await Promise.all(pending);
    assert.deepEqual(sizes, [2, 2, 1]);
  });

  test('when one event id comes twice and one document is refused, then each caller gets its own outcome', async () => {
    const { db, sent } = fakeDb();
    const store = createLogStore(db);
    const pending = [
      store.insert(entry('new'), { eventId: 'e-1' }),
      store.insert(entry('again'), { eventId: 'e-1' }),
      store.insert(entry('raced'), { eventId: 'e-2' }),
      store.insert(entry('refused')),
      store.insert(entry('plain')),
    ].map((p) =>
      p.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    const call = await sent(1);
    assert.deepEqual(
      call.operations.map((op) => ('updateOne' in op ? op.updateOne.filter : null)),
      [{ event_id: 'e-1' }, { event_id: 'e-1' }, { event_id: 'e-2' }, null, null],
    );
    // The second upsert of e-1 matched the first; e-2 lost a race on the unique index; index 3 was refused.
    const storedId = new ObjectId();
    call.answer(
      new MongoBulkWriteError(
        {
          message: 'write errors',
          code: 11000,
          writeErrors: [
            { index: 2, code: 11000, errmsg: 'E11000 duplicate key' },
            { index: 3, code: 121, errmsg: 'Document failed validation' },
          ] as never,
        },
        { upsertedIds: { 0: storedId } } as never,
      ),
    );
    const [fresh, again, raced, refused, plain] = await Promise.all(pending);
    assert.deepEqual(fresh, { value: { id: storedId.toHexString(), duplicate: false } });
    assert.deepEqual(again, { value: { id: null, duplicate: true } });
    assert.deepEqual(raced, { value: { id: null, duplicate: true } });
    assert.ok(refused && 'error' in refused && isPeerError(refused.error));
    assert.equal(refused.error.kind, 'refused');
    assert.equal(refused.error.summary, 'MongoDB could not store the log entry');
    assert.match(
      refused.error.detail,
      /Document failed validation/,
      "the driver's words are kept for the log",
    );
    assert.ok(plain && 'value' in plain && plain.value.id && !plain.value.duplicate);
  });

  test('when MongoDB is unreachable, then the batch and the entries queued behind it fail as unreachable', async () => {
    const { db, calls, sent } = fakeDb();
    const store = createLogStore(db);
    const inFlight = store.insert(entry('a')).catch((err: unknown) => err);
    const call = await sent(1);
    const queued = store.insert(entry('b')).catch((err: unknown) => err);
    // The driver wraps its own failures in a bulk write error without write errors.
    call.answer(
      new MongoBulkWriteError(new MongoNetworkError('connection refused'), { upsertedIds: {} } as never),
    );
    await inFlight;
    await turns(3);
    assert.equal(calls.length, 1, 'the queued entry is not sent into the same outage');
    for (const err of await Promise.all([inFlight, queued])) {
      assert.ok(isPeerError(err));
      assert.equal(err.kind, 'unreachable');
      assert.equal(err.summary, 'MongoDB is unreachable');
    }
  });

  test('when a bulk write fails otherwise, then its callers get a refusal and the queued entries get a write of their own', async () => {
    const { db, sent } = fakeDb();
    const store = createLogStore(db);
    const inFlight = store.insert(entry('a')).catch((err: unknown) => err);
    const call = await sent(1);
    const queued = store.insert(entry('b'));
    call.answer(new Error('unexpected reply'));
    const err = await inFlight;
    assert.ok(isPeerError(err));
    assert.equal(err.kind, 'refused');
    assert.equal(err.summary, 'MongoDB could not store the log entry');
    const next = await sent(2);
    next.answer({ upsertedIds: upsertsOf(next.operations) });
    assert.equal((await queued).duplicate, false);
  });
});

describe('events', () => {
  test('when MongoDB is unreachable during a group of events, then the events fail as unreachable rather than count as stored', async () => {
    const { db, sent } = fakeDb();
    const store = createLogStore(db);
    const pending = [
      store.insert(entry('e'), { eventId: 'e-1' }),
      store.insert(entry('f'), { eventId: 'e-2' }),
    ].map((p) => p.catch((err: unknown) => err));
    (await sent(1)).answer(
      new MongoBulkWriteError(new MongoNetworkError('connection refused'), { upsertedIds: {} } as never),
    );
    for (const err of await Promise.all(pending)) {
      assert.ok(isPeerError(err));
      assert.equal(err.kind, 'unreachable');
    }
  });
});

describe('one write path', () => {
  test('when a JSON-RPC batch of events and a plain call arrive together, then they go to MongoDB in one bulk write and a refused event fails alone', async () => {
    const { db, calls, sent } = fakeDb();
    const dispatch = createRpcDispatcher(createLogStore(db), createLogger('test', 'silent'), RPC_MAX_BATCH);
    const call = (id: number, params: Record<string, string>) => ({
      jsonrpc: '2.0',
      id,
      method: 'LogInfo',
      params,
    });
    const batch = dispatch(
      JSON.stringify([
        call(1, { name: 'a', data: 'd', event_id: 'e-1' }),
        call(2, { name: 'b', data: 'd', event_id: 'e-2' }),
        call(3, { name: 'c', data: 'd', event_id: 'e-3' }),
      ]),
    ).run();
    const plain = dispatch(JSON.stringify(call(4, { name: 'p', data: 'd' }))).run();
    const write = await sent(1);
    assert.deepEqual(
      write.operations.map((op) => ('updateOne' in op ? op.updateOne.filter : 'insert')),
      [{ event_id: 'e-1' }, { event_id: 'e-2' }, { event_id: 'e-3' }, 'insert'],
    );
    write.answer(
      new MongoBulkWriteError(
        {
          message: 'write errors',
          code: 121,
          writeErrors: [{ index: 1, code: 121, errmsg: 'Document failed validation' }] as never,
        },
        { upsertedIds: { 0: new ObjectId(), 2: new ObjectId() } } as never,
      ),
    );
    const answers = JSON.parse((await batch)!) as Array<{
      id: number;
      result?: string;
      error?: { code: number; message: string };
    }>;
    assert.deepEqual(
      answers.map((a) => a.result ?? a.error),
      [
        'Processed payload via RPC: a',
        {
          code: -32603,
          message: 'Internal error: could not store the log entry: MongoDB could not store the log entry',
        },
        'Processed payload via RPC: c',
      ],
    );
    assert.equal(JSON.parse((await plain)!).result, 'Processed payload via RPC: p');
    assert.equal(calls.length, 1);
  });
});
