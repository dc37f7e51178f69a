import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Collection, type Db, type MongoClient, ObjectId } from 'mongodb';
import type { MongoStandin } from '../../src/index.js';
import { startWithClient, uniqueName } from './helpers.js';

describe('CRUD through the official driver', () => {
  let standin: MongoStandin;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    ({ standin, client } = await startWithClient());
    db = client.db(uniqueName('crud'));
  });

  after(async () => {
    await client?.close();
    await standin?.close();
  });

  const freshCollection = (): Collection => db.collection(uniqueName('c'));

  test('when pinged, then the server answers ok', async () => {
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
  });

  test('when documents are inserted without _id, then each gets an ObjectId and can be found by it', async () => {
    const logs = freshCollection();
    const one = await logs.insertOne({ name: 'event', data: 'first' });
    const many = await logs.insertMany([{ name: 'a' }, { name: 'b' }]);
    assert.ok(one.insertedId instanceof ObjectId);
    assert.equal(many.insertedCount, 2);
    const found = await logs.findOne({ _id: new ObjectId(one.insertedId.toHexString()) });
    assert.deepEqual(found, { _id: one.insertedId, name: 'event', data: 'first' });
  });

  test('when finding with filter, sort, skip, limit and projection, then MongoDB semantics apply', async () => {
    const people = freshCollection();
    await people.insertMany([
      { name: 'ann', age: 31, city: 'Oslo' },
      { name: 'bob', age: 25, city: 'Rome' },
      { name: 'cid', age: 42, city: 'Oslo' },
      { name: 'dan', age: 37, city: 'Oslo' },
      { name: 'eve', age: 19, city: 'Oslo' },
    ]);
    const result = await people
      .find({ city: 'Oslo', age: { $gte: 20 } }, { projection: { _id: 0, name: 1, age: 1 } })
      .sort({ age: -1 })
      .skip(1)
      .limit(2)
      .toArray();
    assert.deepEqual(result, [
      { name: 'dan', age: 37 },
      { name: 'ann', age: 31 },
    ]);
    const withId = await people.findOne({ name: { $in: ['bob'] } }, { projection: { name: 1 } });
    assert.deepEqual(Object.keys(withId ?? {}), ['_id', 'name']);
  });

  test('when a find returns more documents than the batch size, then the cursor pages through getMore', async () => {
    const numbers = freshCollection();
    await numbers.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const cursor = numbers.find({}, { batchSize: 100 }).sort({ i: 1 });
    const seen: number[] = [];
    for await (const doc of cursor) seen.push(doc.i as number);
    assert.equal(seen.length, 250);
    assert.deepEqual(seen.slice(0, 3).concat(seen.slice(-2)), [0, 1, 2, 248, 249]);
  });

  test('when a paged cursor is closed early, then killCursors frees it and a later getMore is refused', async () => {
    const numbers = freshCollection();
    await numbers.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
    const cursor = numbers.find({}, { batchSize: 10 });
    assert.ok(await cursor.next());
    const cursorId = cursor.id;
    await cursor.close();
    assert.ok(cursorId && !cursorId.isZero());
    await assert.rejects(
      db.command({ getMore: cursorId, collection: numbers.collectionName }),
      (err: { code?: number }) => err.code === 43,
    );
  });

  test('when updating one, many and upserting, then counts and documents match MongoDB', async () => {
    const items = db.collection<{ sku: string; qty: number; tags?: string[]; big?: boolean }>(
      uniqueName('c'),
    );
    await items.insertMany([
      { sku: 'a', qty: 1, tags: ['x'] },
      { sku: 'b', qty: 2 },
      { sku: 'c', qty: 3 },
    ]);
    const one = await items.updateOne({ sku: 'a' }, { $inc: { qty: 5 }, $push: { tags: 'y' } });
    assert.equal(one.matchedCount, 1);
    assert.equal(one.modifiedCount, 1);
    const many = await items.updateMany({ qty: { $gte: 2 } }, { $set: { big: true }, $unset: { tags: '' } });
    assert.equal(many.matchedCount, 3);
    assert.equal(many.modifiedCount, 3);
    const unchanged = await items.updateOne({ sku: 'b' }, { $set: { big: true } });
    assert.equal(unchanged.modifiedCount, 0);
    const upsert = await items.updateOne(
      { sku: 'd' },
      { $set: { qty: 9 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    assert.equal(upsert.upsertedCount, 1);
    assert.ok(upsert.upsertedId instanceof ObjectId);
    const d = await items.findOne({ sku: 'd' }, { projection: { _id: 0 } });
    assert.deepEqual(d, { sku: 'd', qty: 9, created: true });
    const a = await items.findOne({ sku: 'a' }, { projection: { _id: 0 } });
    assert.deepEqual(a, { sku: 'a', qty: 6, big: true });
    const replaced = await items.replaceOne({ sku: 'c' }, { sku: 'c', qty: 0 });
    assert.equal(replaced.modifiedCount, 1);
    await assert.rejects(
      items.updateOne({ sku: 'c' }, { $set: { _id: new ObjectId() } }),
      (err: { code?: number }) => err.code === 66,
    );
  });

  test('when deleting one and many, then only the matching documents go', async () => {
    const items = freshCollection();
    await items.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    assert.equal((await items.deleteOne({ k: 1 })).deletedCount, 1);
    assert.equal((await items.deleteMany({ k: 1 })).deletedCount, 2);
    assert.equal((await items.deleteMany({ k: 3 })).deletedCount, 0);
    assert.deepEqual(await items.find({}, { projection: { _id: 0 } }).toArray(), [{ k: 2 }]);
  });

  test('when findOneAndUpdate runs, then it returns the document before or after as asked', async () => {
    const counters = freshCollection();
    await counters.insertOne({ name: 'hits', value: 1 });
    const before = await counters.findOneAndUpdate({ name: 'hits' }, { $inc: { value: 1 } });
    assert.equal(before?.value, 1);
    const afterUpdate = await counters.findOneAndUpdate(
      { name: 'hits' },
      { $inc: { value: 1 } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    assert.deepEqual(afterUpdate, { name: 'hits', value: 3 });
    const created = await counters.findOneAndUpdate(
      { name: 'misses' },
      { $set: { value: 0 } },
      { upsert: true, returnDocument: 'after' },
    );
    assert.equal(created?.name, 'misses');
    const removed = await counters.findOneAndDelete({ name: 'misses' });
    assert.equal(removed?.value, 0);
    assert.equal(await counters.findOneAndUpdate({ name: 'none' }, { $set: { value: 1 } }), null);
  });

  test('when counting, then countDocuments filters and estimatedDocumentCount counts all', async () => {
    const items = freshCollection();
    assert.equal(await items.estimatedDocumentCount(), 0);
    assert.equal(await items.countDocuments(), 0);
    await items.insertMany(Array.from({ length: 12 }, (_, i) => ({ even: i % 2 === 0 })));
    assert.equal(await items.countDocuments({ even: true }), 6);
    assert.equal(await items.countDocuments({}, { skip: 10 }), 2);
    assert.equal(await items.estimatedDocumentCount(), 12);
  });

  test('when aggregating with $match, $group, $sort and $count, then the pipeline result comes back', async () => {
    const orders = freshCollection();
    await orders.insertMany([
      { customer: 'x', total: 10 },
      { customer: 'y', total: 5 },
      { customer: 'x', total: 7 },
      { customer: 'z', total: 1 },
    ]);
    const grouped = await orders
      .aggregate([
        { $match: { total: { $gt: 1 } } },
        { $group: { _id: '$customer', sum: { $sum: '$total' }, n: { $sum: 1 } } },
        { $sort: { sum: -1 } },
      ])
      .toArray();
    assert.deepEqual(grouped, [
      { _id: 'x', sum: 17, n: 2 },
      { _id: 'y', sum: 5, n: 1 },
    ]);
    assert.deepEqual(await orders.aggregate([{ $match: { customer: 'x' } }, { $count: 'n' }]).toArray(), [
      { n: 2 },
    ]);
    const stored = await orders.find({ customer: 'z' }, { projection: { _id: 0 } }).toArray();
    await orders.aggregate([{ $set: { total: 99 } }]).toArray();
    assert.deepEqual(await orders.find({ customer: 'z' }, { projection: { _id: 0 } }).toArray(), stored);
  });

  test('when distinct runs, then unique values come back', async () => {
    const items = freshCollection();
    await items.insertMany([{ c: 'a' }, { c: 'b' }, { c: 'a' }, { c: ['b', 'd'] }]);
    assert.deepEqual((await items.distinct('c')).sort(), ['a', 'b', 'd']);
  });

  test('when an unknown command is sent, then the driver gets CommandNotFound', async () => {
    await assert.rejects(
      db.command({ noSuchThing: 1 }),
      (err: { code?: number; codeName?: string }) => err.code === 59 && err.codeName === 'CommandNotFound',
    );
  });

  test('when the same name is used in two databases, then their collections are separate', async () => {
    const name = uniqueName('shared');
    const other = client.db(uniqueName('crud_other'));
    await db.collection(name).insertOne({ in: 'first' });
    assert.equal(await other.collection(name).countDocuments(), 0);
    await other.dropDatabase();
  });
});
