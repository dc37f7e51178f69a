import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogRpcClient } from '@suite/proto';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { LineSocket } from '../support/line-socket.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

const MAX_LINE_BYTES = 128 * 1024;

describe('JSON-RPC over TCP', () => {
  let mongo: TestMongo;
  let service: RunningService;
  const sockets: LineSocket[] = [];

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo, { env: { RPC_MAX_LINE_BYTES: String(MAX_LINE_BYTES) } });
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await service?.close();
    await mongo?.close();
  });

  const connect = async () => {
    const socket = await LineSocket.connect(service.rpcPort);
    sockets.push(socket);
    return socket;
  };
  const logInfo = (id: number, params: unknown) => ({ jsonrpc: '2.0', id, method: 'LogInfo', params });

  test('when LogInfo is called on a raw socket, then it answers the result and stores the entry', async () => {
    const socket = await connect();
    socket.sendJson(logInfo(1, { name: 'rpc-raw', data: 'over nc', request_id: 'rpc-req-1' }));
    assert.deepEqual(await socket.nextJson(), {
      jsonrpc: '2.0',
      id: 1,
      result: 'Processed payload via RPC: rpc-raw',
    });
    const stored = await mongo.db.collection(LOGS_COLLECTION).findOne({ name: 'rpc-raw' });
    assert.equal(stored?.data, 'over nc');
    assert.equal(stored?.request_id, 'rpc-req-1');
  });

  test('when 50 calls are pipelined on one connection, then each is answered once, matched by id', async () => {
    const socket = await connect();
    const ids = Array.from({ length: 50 }, (_, i) => i + 100);
    socket.send(
      ids.map((id) => JSON.stringify(logInfo(id, { name: `pipelined-${id}`, data: 'p' }))).join('\n'),
    );
    const answered = new Map<unknown, unknown>();
    for (const _ of ids) {
      const response = await socket.nextJson();
      answered.set(response.id, response.result);
    }
    assert.equal(answered.size, 50);
    for (const id of ids) assert.equal(answered.get(id), `Processed payload via RPC: pipelined-${id}`);
    const stored = await mongo.db
      .collection(LOGS_COLLECTION)
      .countDocuments({ name: { $regex: '^pipelined-' } });
    assert.equal(stored, 50);
  });

  test('when a line is malformed, then it answers -32700 and the same connection keeps working', async () => {
    const socket = await connect();
    socket.send('{"jsonrpc": "2.0", "method": ');
    assert.deepEqual(await socket.nextJson(), {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
    socket.sendJson(logInfo(2, { name: 'after-parse-error', data: 'd' }));
    assert.equal((await socket.nextJson()).result, 'Processed payload via RPC: after-parse-error');
  });

  test('when a line exceeds the size limit, then only that connection is closed', async () => {
    const bystander = await connect();
    const offender = await connect();
    offender.send(
      `{"jsonrpc":"2.0","id":3,"method":"LogInfo","params":{"name":"x","data":"${'y'.repeat(MAX_LINE_BYTES + 10)}"}}`,
    );
    await offender.waitClosed();
    bystander.sendJson(logInfo(4, { name: 'bystander', data: 'd' }));
    assert.equal((await bystander.nextJson()).result, 'Processed payload via RPC: bystander');
    const fresh = await connect();
    fresh.sendJson(logInfo(5, { name: 'fresh', data: 'd' }));
    assert.equal((await fresh.nextJson()).result, 'Processed payload via RPC: fresh');
  });

  test('when params are invalid, then it answers -32602 naming the field', async () => {
    const socket = await connect();
    socket.sendJson(logInfo(6, { data: 'no name' }));
    const missing = await socket.nextJson();
    assert.equal((missing.error as { code: number }).code, -32602);
    assert.match((missing.error as { message: string }).message, /name is required/);
    socket.sendJson(logInfo(7, { name: ['a'], data: 1 }));
    const wrongTypes = (await socket.nextJson()).error as { code: number; message: string };
    assert.equal(wrongTypes.code, -32602);
    assert.match(wrongTypes.message, /name must be a string/);
    assert.match(wrongTypes.message, /data must be a string/);
  });

  test('when data is longer than allowed but the line fits, then it answers -32602 naming data', async () => {
    const socket = await connect();
    socket.sendJson(logInfo(9, { name: 'big', data: 'x'.repeat(65_537) }));
    const error = (await socket.nextJson()).error as { code: number; message: string };
    assert.equal(error.code, -32602);
    assert.match(error.message, /data must be at most 65536 characters/);
  });

  test('when the method is unknown, then it answers -32601', async () => {
    const socket = await connect();
    socket.sendJson({ jsonrpc: '2.0', id: 10, method: 'DeleteEverything', params: {} });
    assert.equal(((await socket.nextJson()).error as { code: number }).code, -32601);
  });

  test('when the shared proto client calls LogInfo, then it gets the result and one connection is reused', async () => {
    // A loopback relay in front of the logger counts the connections the client opens.
    const opened: net.Socket[] = [];
    const relay = net.createServer((socket) => {
      opened.push(socket);
      const upstream = net.connect(service.rpcPort, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      for (const end of [socket, upstream])
        end.on('error', () => undefined).on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { port } = relay.address() as net.AddressInfo;
    const client = createLogRpcClient({ address: `127.0.0.1:${port}`, timeoutMs: 5000 });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          client.logInfo({ name: `client-${i}`, data: 'via proto client' }),
        ),
      );
      assert.deepEqual(
        results,
        Array.from({ length: 10 }, (_, i) => `Processed payload via RPC: client-${i}`),
      );
      await assert.rejects(client.logInfo({ name: '', data: 'x' }), (err: Error & { kind?: string }) => {
        assert.equal(err.kind, 'invalid');
        assert.match(err.message, /name must not be empty/);
        return true;
      });
      assert.equal(opened.length, 1, 'eleven calls over one connection');
    } finally {
      client.close();
      for (const socket of opened) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  test('when the same event id is delivered twice, then it is stored once and both calls succeed', async () => {
    const socket = await connect();
    const eventId = `evt-${Date.now()}`;
    socket.sendJson(logInfo(11, { name: 'event', data: 'first', event_id: eventId }));
    socket.sendJson(logInfo(12, { name: 'event', data: 'redelivered', event_id: eventId }));
    const results = [await socket.nextJson(), await socket.nextJson()];
    for (const response of results) assert.equal(response.result, 'Processed payload via RPC: event');
    assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ event_id: eventId }), 1);
  });
});
