import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MongoClient, MongoServerError } from 'mongodb';
import { type MongoStandin, startMongoStandin } from '../../src/index.js';
import { uniqueName } from './helpers.js';

const credentials = { username: 'admin', password: 'p@ss:word/1' };

describe('SCRAM-SHA-256 authentication', () => {
  let standin: MongoStandin;
  let open: MongoStandin;
  const clients: MongoClient[] = [];

  const client = (url: string) => {
    const c = new MongoClient(url, { serverSelectionTimeoutMS: 1500 });
    clients.push(c);
    return c;
  };

  before(async () => {
    standin = await startMongoStandin({ port: 0, auth: credentials });
    open = await startMongoStandin({ port: 0 });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await standin?.close();
    await open?.close();
  });

  test('when the right credentials are given, then the client connects and can read and write', async () => {
    assert.match(standin.url, /^mongodb:\/\/admin:p%40ss%3Aword%2F1@127\.0\.0\.1:\d+\/\?authSource=admin$/);
    const logs = client(standin.url).db(uniqueName('auth')).collection('logs');
    await logs.insertOne({ name: 'secured' });
    assert.equal(await logs.countDocuments(), 1);
  });

  test('when the mechanism is named in the URL, then authentication succeeds and connectionStatus names the user', async () => {
    const url = `${standin.url}&authMechanism=SCRAM-SHA-256`;
    const c = client(url);
    assert.deepEqual(await c.db('admin').command({ ping: 1 }), { ok: 1 });
    const status = await c.db('admin').command({ connectionStatus: 1 });
    assert.equal(status.authInfo.authenticatedUsers[0].user, 'admin');
  });

  test('when the password is wrong, then connecting fails with AuthenticationFailed (18)', async () => {
    const url = standin.url.replace(encodeURIComponent(credentials.password), 'wrong');
    await assert.rejects(client(url).connect(), (err: unknown) => {
      assert.ok(err instanceof MongoServerError, String(err));
      assert.equal(err.code, 18);
      return true;
    });
  });

  test('when the user is unknown, then connecting fails with AuthenticationFailed (18)', async () => {
    const url = standin.url.replace('admin:', 'nobody:');
    await assert.rejects(client(url).connect(), (err: unknown) => (err as MongoServerError).code === 18);
  });

  test('when no credentials are given, then ping works but data commands get Unauthorized (13)', async () => {
    const anonymous = client(`mongodb://127.0.0.1:${standin.port}`);
    assert.deepEqual(await anonymous.db('admin').command({ ping: 1 }), { ok: 1 });
    await assert.rejects(
      anonymous.db('x').collection('y').find().toArray(),
      (err: unknown) => (err as MongoServerError).code === 13,
    );
  });

  test('when the server runs without auth and a client sends credentials, then they are rejected (18)', async () => {
    const url = `mongodb://someone:secret@127.0.0.1:${open.port}/?authSource=admin`;
    await assert.rejects(client(url).connect(), (err: unknown) => (err as MongoServerError).code === 18);
  });
});
