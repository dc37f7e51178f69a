import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogStore, LOGS_COLLECTION, RETENTION_INDEX } from '../../src/store/logs.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

describe('log store on MongoDB', () => {
  let mongo: TestMongo;

  before(async () => {
    mongo = await startTestMongo();
  });
  after(async () => {
    await mongo?.close();
  });

  test('when the store is initialised, then created_at and a unique sparse event_id are indexed', async () => {
    const indexes = await mongo.db.collection(LOGS_COLLECTION).indexes();
    const byName = new Map(indexes.map((index) => [index.name, index]));
    assert.deepEqual(byName.get('created_at_-1')?.key, { created_at: -1 });
    const eventId = byName.get('event_id_1');
    assert.deepEqual(eventId?.key, { event_id: 1 });
    assert.equal(eventId?.unique, true);
    assert.equal(eventId?.sparse, true);
    assert.equal(byName.has(RETENTION_INDEX), false, 'retention is off by default');
  });

  test('when LOG_RETENTION_DAYS is set, changed and set back to 0, then the TTL index follows it', async () => {
    const ttl = async () =>
      (await mongo.db.collection(LOGS_COLLECTION).indexes()).find((index) => index.name === RETENTION_INDEX);
    await createLogStore(mongo.db, { retentionDays: 7 }).init();
    assert.deepEqual((await ttl())?.key, { created_at: 1 });
    assert.equal((await ttl())?.expireAfterSeconds, 7 * 86_400);
    await createLogStore(mongo.db, { retentionDays: 30 }).init();
    assert.equal((await ttl())?.expireAfterSeconds, 30 * 86_400);
    await createLogStore(mongo.db, { retentionDays: 0 }).init();
    assert.equal(await ttl(), undefined);
  });

  test('when an entry is stored with both ids, then the document has exactly the documented fields', async () => {
    const { id } = await mongo.store.insert(
      { name: 'shape', data: 'd' },
      { eventId: 'shape-event', requestId: 'shape-request' },
    );
    const { id: plainId } = await mongo.store.insert({ name: 'shape-plain', data: 'd' });
    const collection = mongo.db.collection(LOGS_COLLECTION);
    const full = await collection.findOne({ name: 'shape' });
    assert.equal(full?._id.toHexString(), id);
    assert.deepEqual(Object.keys(full ?? {}).sort(), [
      '_id',
      'created_at',
      'data',
      'event_id',
      'name',
      'request_id',
      'updated_at',
    ]);
    assert.equal(full?.event_id, 'shape-event');
    assert.equal(full?.request_id, 'shape-request');
    assert.ok(full?.created_at instanceof Date);
    assert.equal(full?.updated_at.getTime(), full?.created_at.getTime());
    const plain = await collection.findOne({ name: 'shape-plain' });
    assert.equal(plain?._id.toHexString(), plainId);
    assert.deepEqual(Object.keys(plain ?? {}).sort(), ['_id', 'created_at', 'data', 'name', 'updated_at']);
  });

  test('when the indexes are gone (dropped, or a stand-in restarted empty), then a redelivered event is still stored once', async () => {
    const collection = mongo.db.collection(LOGS_COLLECTION);
    await collection.dropIndexes();
    try {
      const first = await mongo.store.insert({ name: 'redelivered', data: 'first' }, { eventId: 'no-index' });
      const again = await mongo.store.insert({ name: 'redelivered', data: 'again' }, { eventId: 'no-index' });
      assert.equal(first.duplicate, false);
      assert.equal(again.duplicate, true);
      const stored = await collection.find({ event_id: 'no-index' }).toArray();
      assert.deepEqual(
        stored.map((doc) => doc.data),
        ['first'],
      );
    } finally {
      await mongo.store.init();
    }
  });

  test('when entries arrive together, some twice with one event id, then each is stored once and each caller gets its own outcome', async () => {
    const collection = mongo.db.collection(LOGS_COLLECTION);
    const outcomes = await Promise.all([
      mongo.store.insert({ name: 'together', data: 'plain-1' }),
      mongo.store.insert({ name: 'together', data: 'event-1' }, { eventId: 'together-1' }),
      mongo.store.insert({ name: 'together', data: 'event-1-again' }, { eventId: 'together-1' }),
      mongo.store.insert({ name: 'together', data: 'plain-2' }, { requestId: 'together-r' }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.duplicate),
      [false, false, true, false],
    );
    const stored = await collection.find({ name: 'together' }).toArray();
    assert.deepEqual(stored.map((doc) => doc.data).sort(), ['event-1', 'plain-1', 'plain-2']);
    const idOf = (data: string) => stored.find((doc) => doc.data === data)?._id.toHexString();
    assert.deepEqual(
      outcomes.map((o) => o.id),
      [idOf('plain-1'), idOf('event-1'), null, idOf('plain-2')],
    );
  });
});
