import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { LineSocket } from '../support/line-socket.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

const logInfo = (id: number, name: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'LogInfo',
  params: { name, data: 'd' },
});

describe('JSON-RPC limits', () => {
  let mongo: TestMongo;
  let service: RunningService;
  let idleService: RunningService;
  const sockets: LineSocket[] = [];

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo, { env: { RPC_MAX_BATCH: '5', RPC_MAX_CONNECTIONS: '3' } });
    idleService = await startService(mongo, { env: { RPC_IDLE_TIMEOUT_MS: '300' } });
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await service?.close();
    await idleService?.close();
    await mongo?.close();
  });

  const connect = async (port = service.rpcPort) => {
    const socket = await LineSocket.connect(port);
    sockets.push(socket);
    return socket;
  };

  test('when a batch holds more calls than the limit, then it is refused with a JSON-RPC error and nothing is stored', async () => {
    const socket = await connect();
    socket.sendJson([1, 2, 3, 4, 5, 6].map((id) => logInfo(id, 'too-big-batch')));
    const answer = await socket.nextJson();
    const error = answer.error as { code: number; message: string };
    assert.equal(error.code, -32600);
    assert.match(error.message, /Batch too large: at most 5 calls per batch, got 6/);

    socket.sendJson([1, 2, 3, 4, 5].map((id) => logInfo(id, 'full-batch')));
    const results = (await socket.nextJson()) as unknown as Array<{ result: string }>;
    assert.equal(results.length, 5);
    assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ name: 'too-big-batch' }), 0);
    assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ name: 'full-batch' }), 5);
    socket.close();
    await socket.waitClosed();
  });

  test('when more connections than the cap arrive, then the extra one is closed and the others still answer', async () => {
    const open = [await connect(), await connect(), await connect()];
    for (const [i, socket] of open.entries()) {
      socket.sendJson(logInfo(i, 'capped'));
      assert.equal((await socket.nextJson()).result, 'Processed payload via RPC: capped');
    }
    const extra = await connect();
    await extra.waitClosed();
    open[0]!.sendJson(logInfo(9, 'capped'));
    assert.equal((await open[0]!.nextJson()).result, 'Processed payload via RPC: capped');
    for (const socket of open) socket.close();
  });

  test('when a connection stays idle past the idle timeout, then the server closes it', async () => {
    const socket = await connect(idleService.rpcPort);
    socket.sendJson(logInfo(1, 'before-idle'));
    assert.equal((await socket.nextJson()).result, 'Processed payload via RPC: before-idle');
    await socket.waitClosed(5000);
  });
});
