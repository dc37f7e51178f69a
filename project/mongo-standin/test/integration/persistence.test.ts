import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@suite/test-kit';
import { Long, MongoClient, type MongoServerError, ObjectId } from 'mongodb';
import { type MongoStandinOptions, startMongoStandin } from '../../src/index.js';

const PACKAGE_DIR = new URL('../..', import.meta.url).pathname;

async function withStandin<T>(
  options: MongoStandinOptions,
  run: (client: MongoClient) => Promise<T>,
): Promise<T> {
  const standin = await startMongoStandin({ port: 0, ...options });
  const client = new MongoClient(standin.url, { serverSelectionTimeoutMS: 2000 });
  try {
    return await run(client);
  } finally {
    await client.close();
    await standin.close();
  }
}

const segments = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('journal.'));

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/** Polls until `check` holds; bounded, so a broken compaction fails the test instead of hanging it. */
const until = (what: string, check: () => Promise<boolean>) =>
  waitFor(check, { timeoutMs: 15_000, intervalMs: 20, describe: () => `waiting for ${what}` });

/** The stand-in as `make run` and deployments start it: its own process, so it can be killed for real. */
async function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, MONGO_STANDIN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening: (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}: ${errors}`)));
  });
  return { child, url };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('persistence to a data directory', () => {
  let root: string;
  let n = 0;
  const freshDir = () => join(root, `data-${++n}`);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mongo-standin-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('when the stand-in restarts on the same directory, then documents, types, collections and indexes survive', async () => {
    const dir = join(freshDir(), 'nested');
    const id = new ObjectId();
    const createdAt = new Date('2026-01-02T03:04:05.678Z');

    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      await logs.createIndexes([
        { key: { created_at: -1 }, name: 'created_at_-1' },
        { key: { event_id: 1 }, name: 'event_id_1', unique: true, sparse: true },
      ]);
      await logs.insertOne({
        _id: id,
        name: 'kept',
        created_at: createdAt,
        big: Long.fromString('9007199254740993'),
      });
      await logs.insertOne({ name: 'with event', event_id: 'e-1' });
      await logs.insertOne({ name: 'removed' });
      await logs.updateOne({ _id: id }, { $set: { touched: true } });
      await logs.deleteOne({ name: 'removed' });
      await client.db('other').collection('gone').insertOne({ x: 1 });
      await client.db('other').dropDatabase();
    });

    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      const kept = await logs.findOne({ _id: id });
      assert.equal(kept?.name, 'kept');
      assert.equal(kept?.touched, true);
      assert.deepEqual(kept?.created_at, createdAt);
      assert.equal(String(kept?.big), '9007199254740993');
      assert.equal(await logs.countDocuments(), 2);
      const indexes = await logs.listIndexes().toArray();
      assert.deepEqual(
        indexes.map(({ name, unique, sparse }) => ({ name, unique, sparse })),
        [
          { name: '_id_', unique: undefined, sparse: undefined },
          { name: 'created_at_-1', unique: undefined, sparse: undefined },
          { name: 'event_id_1', unique: true, sparse: true },
        ],
      );
      await assert.rejects(
        logs.insertOne({ event_id: 'e-1' }),
        (err: unknown) => (err as MongoServerError).code === 11000,
      );
      const databases = await client.db('admin').admin().listDatabases({ nameOnly: true });
      assert.deepEqual(
        databases.databases.map((db) => db.name),
        ['logs'],
      );
    });
  });

  test('when the journal is compacted in the background, then a restart finds the same data and indexes', async () => {
    const dir = freshDir();
    await withStandin({ dataDir: dir, compactAfterBytes: 4096 }, async (client) => {
      const logs = client.db('logs').collection('logs');
      await logs.createIndex({ event_id: 1 }, { unique: true, sparse: true });
      for (let i = 0; i < 200; i++) await logs.insertOne({ name: `entry ${i}`, event_id: `e-${i}` });
      await logs.updateOne({ event_id: 'e-0' }, { $set: { name: 'changed' } });
      await logs.deleteOne({ event_id: 'e-1' });
      await until('a snapshot', async () => (await readdir(dir)).includes('snapshot.bson'));
    });
    // close() waits for a compaction in progress; old segments are gone once it is done.
    assert.ok((await segments(dir)).length < 10, `segments left: ${(await segments(dir)).join(', ')}`);

    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      assert.equal(await logs.countDocuments(), 199);
      assert.equal((await logs.findOne({ event_id: 'e-0' }))?.name, 'changed');
      assert.equal(await logs.findOne({ event_id: 'e-1' }), null);
      await assert.rejects(
        logs.insertOne({ event_id: 'e-5' }),
        (err: unknown) => (err as MongoServerError).code === 11000,
      );
    });
  });

  test('when the store already holds many documents, then one more insert appends about one record, not the store', async () => {
    const dir = freshDir();
    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      const batch = Array.from({ length: 1000 }, (_, i) => ({ name: 'filler', data: `entry ${i}` }));
      for (let i = 0; i < 20; i++) await logs.insertMany(batch.map((doc) => ({ ...doc })));
      const before = await directoryBytes(dir);
      await logs.insertOne({ name: 'one more', data: 'x' });
      const grown = (await directoryBytes(dir)) - before;
      assert.ok(grown > 0 && grown < 512, `one insert into 20,000 documents wrote ${grown} bytes`);
    });
  });

  test('when the stand-in process is killed (SIGKILL) while writing and compacting, then every acknowledged write is there after restart', async () => {
    const dir = freshDir();
    const env = { MONGO_STANDIN_DIR: dir, MONGO_STANDIN_COMPACT_AFTER_BYTES: '8192' };
    const first = await startProcess(env);
    const acknowledged: string[] = [];
    const writer = new MongoClient(first.url, { serverSelectionTimeoutMS: 2000, retryWrites: false });
    try {
      const logs = writer.db('logs').collection('logs');
      await logs.createIndex({ event_id: 1 }, { unique: true, sparse: true });
      // Writes keep going while the process dies: the kill lands between, during or after appends.
      const writing = (async () => {
        for (let i = 0; i < 5000; i++) {
          const eventId = `e-${i}`;
          await logs.insertOne({ name: 'crash test', data: 'x'.repeat(100), event_id: eventId });
          acknowledged.push(eventId);
        }
      })().catch(() => undefined);
      await until('some acknowledged writes and a compaction', async () => {
        const names = await readdir(dir);
        return acknowledged.length >= 300 && names.includes('snapshot.bson');
      });
      await kill(first.child);
      await writing;
    } finally {
      await writer.close().catch(() => undefined);
    }
    assert.ok(acknowledged.length >= 300);

    const second = await startProcess(env);
    const reader = new MongoClient(second.url, { serverSelectionTimeoutMS: 2000 });
    try {
      const logs = reader.db('logs').collection('logs');
      const stored = new Set(
        (await logs.find({}, { projection: { event_id: 1 } }).toArray()).map((d) => d.event_id),
      );
      const missing = acknowledged.filter((eventId) => !stored.has(eventId));
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged writes lost`);
      // At most the one write in flight when the process died may be there unacknowledged.
      assert.ok(
        stored.size <= acknowledged.length + 1,
        `${stored.size} stored, ${acknowledged.length} acknowledged`,
      );
      await assert.rejects(
        logs.insertOne({ event_id: acknowledged[0] }),
        (err: unknown) => (err as MongoServerError).code === 11000,
      );
    } finally {
      await reader.close();
      await kill(second.child);
    }
  });

  test('when a crash cut the last journal record short, then start-up keeps the whole ones and later writes survive the next restart', async () => {
    const dir = freshDir();
    await withStandin({ dataDir: dir }, async (client) => {
      await client
        .db('logs')
        .collection('logs')
        .insertMany([{ n: 1 }, { n: 2 }]);
    });
    const [last] = (await segments(dir)).sort().reverse();
    // The first bytes of a record: a length prefix promising more than is there.
    await appendFile(join(dir, last!), Buffer.from([0x40, 0x00, 0x00, 0x00, 0x02, 0x6e]));

    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      assert.equal(await logs.countDocuments(), 2);
      await logs.insertOne({ n: 3 });
    });
    await withStandin({ dataDir: dir }, async (client) => {
      const values = (await client.db('logs').collection('logs').find().toArray()).map((d) => d.n);
      assert.deepEqual(values, [1, 2, 3]);
    });
  });

  test('when a crash came after a new snapshot but before its journal segments were deleted, then nothing is applied twice', async () => {
    const dir = freshDir();
    const saved = freshDir();
    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      await logs.createIndex({ event_id: 1 }, { unique: true });
      await logs.insertMany(Array.from({ length: 50 }, (_, i) => ({ event_id: `e-${i}` })));
    });
    await cp(dir, saved, { recursive: true });
    // Compact: a tiny threshold makes the next write start it; close() waits for it.
    await withStandin({ dataDir: dir, compactAfterBytes: 1 }, async (client) => {
      await client.db('logs').collection('logs').insertOne({ event_id: 'after' });
      await until('a snapshot', async () => (await readdir(dir)).includes('snapshot.bson'));
    });
    // The segments the snapshot folded in come back, as if their deletion never happened.
    for (const name of await segments(saved)) await cp(join(saved, name), join(dir, name));

    await withStandin({ dataDir: dir }, async (client) => {
      const logs = client.db('logs').collection('logs');
      assert.equal(await logs.countDocuments(), 51);
      assert.equal((await logs.listIndexes().toArray()).length, 2);
    });
  });

  test('when the snapshot is damaged, then start-up fails with a message naming the file', async () => {
    const dir = freshDir();
    await withStandin({ dataDir: dir }, async () => {});
    await writeFile(join(dir, 'snapshot.bson'), '{not a snapshot');
    await assert.rejects(startMongoStandin({ port: 0, dataDir: dir }), /snapshot\.bson/);
    assert.equal((await readFile(join(dir, 'snapshot.bson'), 'utf8')).length, 15);
  });
});
