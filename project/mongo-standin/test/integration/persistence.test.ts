import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Long, MongoClient, type MongoServerError, ObjectId } from 'mongodb';
import { startMongoStandin } from '../../src/index.js';

describe('persistence to a data file', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mongo-standin-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('when the stand-in restarts on the same file, then documents, types and unique indexes survive', async () => {
    const file = join(dir, 'nested', 'data.json');
    const id = new ObjectId();
    const createdAt = new Date('2026-01-02T03:04:05.678Z');

    const first = await startMongoStandin({ port: 0, persistFile: file });
    const writer = new MongoClient(first.url, { serverSelectionTimeoutMS: 2000 });
    try {
      const logs = writer.db('logs').collection('logs');
      await logs.createIndex({ event_id: 1 }, { unique: true, sparse: true });
      await logs.insertOne({
        _id: id,
        name: 'kept',
        created_at: createdAt,
        big: Long.fromString('9007199254740993'),
      });
      await logs.insertOne({ name: 'with event', event_id: 'e-1' });
    } finally {
      await writer.close();
      await first.close();
    }
    assert.deepEqual(await readdir(join(dir, 'nested')), ['data.json']);
    assert.match(await readFile(file, 'utf8'), /"\$oid"/);

    const second = await startMongoStandin({ port: 0, persistFile: file });
    const reader = new MongoClient(second.url, { serverSelectionTimeoutMS: 2000 });
    try {
      const logs = reader.db('logs').collection('logs');
      const kept = await logs.findOne({ _id: id });
      assert.equal(kept?.name, 'kept');
      assert.deepEqual(kept?.created_at, createdAt);
      assert.equal(String(kept?.big), '9007199254740993');
      assert.equal(await logs.countDocuments(), 2);
      await assert.rejects(
        logs.insertOne({ event_id: 'e-1' }),
        (err: unknown) => (err as MongoServerError).code === 11000,
      );
    } finally {
      await reader.close();
      await second.close();
    }
  });

  test('when the data file is not valid Extended JSON, then start-up fails with a message naming the file', async () => {
    const file = join(dir, 'broken.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, '{not json'));
    await assert.rejects(startMongoStandin({ port: 0, persistFile: file }), /broken\.json/);
  });
});
