import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Db, type MongoClient, MongoServerError } from 'mongodb';
import type { MongoStandin } from '../../src/index.js';
import { startWithClient, uniqueName } from './helpers.js';

const isDuplicateKey = (err: unknown) => err instanceof MongoServerError && err.code === 11000;

describe('indexes, collections and databases', () => {
  let standin: MongoStandin;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    ({ standin, client } = await startWithClient());
    db = client.db(uniqueName('idx'));
  });

  after(async () => {
    await client?.close();
    await standin?.close();
  });

  test('when a filter is an equality on a uniquely indexed field, then index-answered reads and writes match what a scan would', async () => {
    const events = db.collection(uniqueName('events'));
    await events.createIndex({ event_id: 1 }, { unique: true, sparse: true });
    await events.createIndex({ tags: 1 }, { unique: true });
    await events.insertMany([
      { event_id: 'e1', tags: ['a', 'b'], n: 1 },
      { tags: ['c'], n: 2 },
      { event_id: 'e3', tags: ['d'], n: 3 },
    ]);
    for (let i = 0; i < 2; i++) {
      await events.updateOne({ event_id: 'e4' }, { $setOnInsert: { n: 4, tags: ['e'] } }, { upsert: true });
    }
    assert.equal(
      await events.countDocuments({ event_id: 'e4' }),
      1,
      'an upsert keyed on the index stores once',
    );
    assert.deepEqual(
      (await events.find({ tags: 'b' }).toArray()).map((d) => d.n),
      [1],
      'an array element is a key',
    );
    assert.deepEqual(
      (await events.find({ event_id: 'nope' }).toArray()).map((d) => d.n),
      [],
    );
    const third = await events.findOne({ event_id: 'e3' });
    assert.equal(third?.n, 3);
    assert.equal((await events.findOne({ _id: third!._id }))?.n, 3, 'the _id index answers too');
    await events.updateOne({ event_id: 'e3' }, { $set: { n: 30 } });
    assert.equal((await events.findOne({ event_id: 'e3' }))?.n, 30, 'the index follows an updated document');
    await events.deleteOne({ event_id: 'e1' });
    assert.deepEqual(
      (await events.find({ tags: 'a' }).toArray()).length,
      0,
      'a deleted document leaves the index',
    );
    assert.equal(await events.countDocuments(), 3);
  });

  test('when a unique index exists, then a duplicate insert fails with E11000 and code 11000', async () => {
    const users = db.collection(uniqueName('users'));
    assert.equal(await users.createIndex({ email: 1 }, { unique: true }), 'email_1');
    await users.insertOne({ email: 'a@example.com' });
    await assert.rejects(users.insertOne({ email: 'a@example.com' }), (err: unknown) => {
      assert.ok(isDuplicateKey(err));
      assert.match(
        (err as Error).message,
        new RegExp(
          `^E11000 duplicate key error collection: ${db.databaseName}\\.${users.collectionName} index: email_1 dup key: \\{ email: "a@example.com" \\}$`,
        ),
      );
      assert.deepEqual((err as MongoServerError).keyValue, { email: 'a@example.com' });
      return true;
    });
    assert.equal(await users.countDocuments(), 1);
  });

  test('when an unordered insertMany hits a duplicate, then the other documents are still inserted', async () => {
    const users = db.collection(uniqueName('users'));
    await users.createIndex({ email: 1 }, { unique: true });
    await assert.rejects(
      users.insertMany([{ email: 'x' }, { email: 'x' }, { email: 'y' }], { ordered: false }),
      isDuplicateKey,
    );
    assert.equal(await users.countDocuments(), 2);
  });

  test('when an update would duplicate a unique key, then it fails with 11000 and changes nothing', async () => {
    const users = db.collection(uniqueName('users'));
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertMany([{ email: 'p' }, { email: 'q' }]);
    await assert.rejects(users.updateOne({ email: 'q' }, { $set: { email: 'p' } }), isDuplicateKey);
    assert.deepEqual(
      (await users.find({}, { projection: { _id: 0 } }).toArray()).map((d) => d.email),
      ['p', 'q'],
    );
    await assert.rejects(users.findOneAndUpdate({ email: 'q' }, { $set: { email: 'p' } }), isDuplicateKey);
  });

  test('when the same _id is inserted twice, then the second insert fails with 11000', async () => {
    const items = db.collection<{ _id: string }>(uniqueName('items'));
    await items.insertOne({ _id: 'fixed' });
    await assert.rejects(items.insertOne({ _id: 'fixed' }), (err: unknown) => {
      assert.ok(isDuplicateKey(err));
      assert.match((err as Error).message, /index: _id_ dup key: \{ _id: "fixed" \}/);
      return true;
    });
  });

  test('when a unique sparse index is on event_id, then many documents without it are allowed', async () => {
    const logs = db.collection(uniqueName('logs'));
    await logs.createIndex({ event_id: 1 }, { unique: true, sparse: true });
    await logs.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await logs.insertOne({ name: 'd', event_id: 'evt-1' });
    await assert.rejects(logs.insertOne({ name: 'e', event_id: 'evt-1' }), isDuplicateKey);
    assert.equal(await logs.countDocuments(), 4);
  });

  test('when a unique index is not sparse, then two documents missing the field collide on null', async () => {
    const logs = db.collection(uniqueName('logs'));
    await logs.createIndex({ event_id: 1 }, { unique: true });
    await logs.insertOne({ name: 'a' });
    await assert.rejects(logs.insertOne({ name: 'b' }), isDuplicateKey);
  });

  test('when a unique index is created over existing duplicates, then it is refused with 11000', async () => {
    const items = db.collection(uniqueName('items'));
    await items.insertMany([{ k: 1 }, { k: 1 }]);
    await assert.rejects(items.createIndex({ k: 1 }, { unique: true }), isDuplicateKey);
  });

  test('when indexes are listed, then _id_ and the created ones come back with their options', async () => {
    const logs = db.collection(uniqueName('logs'));
    await logs.createIndex({ event_id: 1 }, { unique: true, sparse: true });
    await logs.createIndex({ created_at: -1 });
    assert.equal(await logs.createIndex({ created_at: -1 }), 'created_at_-1');
    const indexes = await logs.listIndexes().toArray();
    assert.deepEqual(indexes, [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { event_id: 1 }, name: 'event_id_1', unique: true, sparse: true },
      { v: 2, key: { created_at: -1 }, name: 'created_at_-1' },
    ]);
    await logs.dropIndex('created_at_-1');
    assert.equal((await logs.listIndexes().toArray()).length, 2);
  });

  test('when collections are created, listed and dropped, then listCollections follows', async () => {
    const name = uniqueName('made');
    await db.createCollection(name);
    await assert.rejects(db.createCollection(name), (err: unknown) => (err as MongoServerError).code === 48);
    assert.ok((await db.listCollections({}, { nameOnly: true }).toArray()).some((c) => c.name === name));
    assert.equal(await db.collection(name).drop(), true);
    assert.ok(!(await db.listCollections().toArray()).some((c) => c.name === name));
  });

  test('when a database is dropped, then its collections and its listDatabases entry are gone', async () => {
    const doomed = client.db(uniqueName('doomed'));
    await doomed.collection('a').insertOne({ x: 1 });
    const names = async () => (await client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    assert.ok((await names()).includes(doomed.databaseName));
    assert.equal(await doomed.dropDatabase(), true);
    assert.ok(!(await names()).includes(doomed.databaseName));
    assert.equal(await doomed.collection('a').countDocuments(), 0);
  });
});
