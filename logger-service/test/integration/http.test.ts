import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogGrpcClient } from '@suite/proto';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { LineSocket } from '../support/line-socket.js';
import { serviceOnTestMongo } from '../support/service.js';

describe('HTTP writes', () => {
  const env = serviceOnTestMongo();

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${env.service.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  test('when an entry is posted to /log, then it answers 202 and the entry is in the collection', async () => {
    const name = `http-${Date.now()}`;
    const response = await post('/log', JSON.stringify({ name, data: 'written over HTTP' }));
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { error: false, message: 'logged' });
    const stored = await env.mongo.db.collection(LOGS_COLLECTION).findOne({ name });
    assert.ok(stored, 'entry not found in the logs collection');
    assert.equal(stored.data, 'written over HTTP');
    assert.ok(stored.created_at instanceof Date);
    assert.ok(stored.updated_at instanceof Date);
    assert.equal('event_id' in stored, false);
  });

  test('when the caller sends X-Request-Id to /api/log, then the entry stores it as request_id', async () => {
    const requestId = `req-${Date.now()}`;
    const response = await post('/api/log', JSON.stringify({ name: 'with-id', data: 'd' }), {
      'x-request-id': requestId,
    });
    assert.equal(response.status, 202);
    assert.equal(response.headers.get('x-request-id'), requestId);
    const stored = await env.mongo.db.collection(LOGS_COLLECTION).findOne({ request_id: requestId });
    assert.equal(stored?.name, 'with-id');
  });

  test('when the name is missing, then it answers 400 naming the field', async () => {
    const response = await post('/log', JSON.stringify({ data: 'd' }));
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error, true);
    assert.match(body.message, /name is required/);
  });

  test('when a public write takes a name the suite reserves for its own records, then it answers 400 naming why and stores nothing', async () => {
    const forged = JSON.stringify({ email: 'admin@example.com', success: true, status: 202 });
    for (const [path, name] of [
      ['/log', 'authentication'],
      ['/api/log', 'broker_hit'],
      ['/log', ' Authentication '],
    ] as const) {
      const response = await post(path, JSON.stringify({ name, data: forged }));
      assert.equal(response.status, 400, `${path} ${name}`);
      assert.equal(
        (await response.json()).message,
        `name: name ${JSON.stringify(name.trim())} is reserved for the suite's own records`,
      );
    }
    assert.equal(await env.mongo.db.collection(LOGS_COLLECTION).countDocuments({ data: forged }), 0);
  });

  test('when the services write a reserved name over JSON-RPC or gRPC (the internal transports), then it is stored', async () => {
    const rpc = await LineSocket.connect(env.service.rpcPort);
    try {
      rpc.sendJson({
        jsonrpc: '2.0',
        id: 1,
        method: 'LogInfo',
        params: { name: 'authentication', data: 'internal-rpc', event_id: `audit-${Date.now()}` },
      });
      assert.equal((await rpc.nextJson()).result, 'Processed payload via RPC: authentication');
    } finally {
      rpc.close();
    }
    const grpc = createLogGrpcClient({ address: env.service.grpcAddress });
    try {
      await grpc.writeLog({ name: 'broker_hit', data: 'internal-grpc' });
    } finally {
      grpc.close();
    }
    const stored = env.mongo.db.collection(LOGS_COLLECTION);
    assert.equal(await stored.countDocuments({ name: 'authentication', data: 'internal-rpc' }), 1);
    assert.equal(await stored.countDocuments({ name: 'broker_hit', data: 'internal-grpc' }), 1);
  });

  test('when fields have the wrong types, then it answers 400 naming them', async () => {
    const response = await post('/log', JSON.stringify({ name: 5, data: { x: 1 } }));
    assert.equal(response.status, 400);
    const { message } = await response.json();
    assert.match(message, /name must be a string/);
    assert.match(message, /data must be a string/);
  });

  test('when data is longer than allowed, then it answers 400 naming the limit', async () => {
    const response = await post('/log', JSON.stringify({ name: 'big', data: 'x'.repeat(70_000) }));
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /data must be at most 65536 characters/);
  });

  test('when the body exceeds the size limit, then it answers 413', async () => {
    const response = await post('/log', JSON.stringify({ name: 'huge', data: 'x'.repeat(600_000) }));
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error, true);
  });

  test('when the JSON is malformed or the content type wrong, then it answers 400 and the service stays up', async () => {
    const malformed = await post('/log', '{"name": ');
    assert.equal(malformed.status, 400);
    assert.match((await malformed.json()).message, /malformed JSON/);
    const wrongType = await post('/log', 'name=x', { 'content-type': 'text/plain' });
    assert.equal(wrongType.status, 400);
    assert.match((await wrongType.json()).message, /Content-Type: application\/json/);
    const ready = await fetch(`${env.service.httpUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await ready.json()).data.mongodb, 'ok');
  });
});
