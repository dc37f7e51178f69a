import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  ID_MAX_CHARS,
  LOG_DATA_MAX_CHARS,
  LOG_NAME_MAX_CHARS,
  loadLogService,
  RPC_MAX_LINE_BYTES,
} from '@suite/proto';
import { withTimeout } from '@suite/toolbox';
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
  let defaultService: RunningService;
  let boundedService: RunningService;
  const sockets: LineSocket[] = [];

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo, { env: { RPC_MAX_BATCH: '5', RPC_MAX_CONNECTIONS: '3' } });
    idleService = await startService(mongo, { env: { RPC_IDLE_TIMEOUT_MS: '300' } });
    defaultService = await startService(mongo);
    boundedService = await startService(mongo, {
      env: { RPC_MAX_BUFFERED_BYTES: '100000', GRPC_MAX_CONNECTIONS: '2' },
    });
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await service?.close();
    await idleService?.close();
    await defaultService?.close();
    await boundedService?.close();
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

  test('when the largest valid call arrives with every character escaped, then it is stored; one byte past the line limit is answered "Request too large" and only that connection closes', async () => {
    const worst = (length: number) => '\u001f'.repeat(length);
    const call = {
      jsonrpc: '2.0',
      id: 1,
      method: 'LogInfo',
      params: {
        name: `largest-${worst(LOG_NAME_MAX_CHARS - 8)}`,
        data: worst(LOG_DATA_MAX_CHARS),
        event_id: `largest-${Date.now()}-${worst(ID_MAX_CHARS - 30)}`,
        request_id: worst(ID_MAX_CHARS),
      },
    };
    const largest = await connect(defaultService.rpcPort);
    largest.sendJson(call);
    assert.match(String((await largest.nextJson()).result), /^Processed payload via RPC: largest-/);
    assert.equal(
      await mongo.db.collection(LOGS_COLLECTION).countDocuments({ event_id: call.params.event_id }),
      1,
    );

    const bystander = await connect(defaultService.rpcPort);
    const offender = await connect(defaultService.rpcPort);
    const head = '{"jsonrpc":"2.0","id":2,"method":"LogInfo","params":{"name":"too-long","data":"';
    const tail = '"}}';
    offender.send(`${head}${'y'.repeat(RPC_MAX_LINE_BYTES + 1 - head.length - tail.length)}${tail}`);
    assert.deepEqual(await offender.nextJson(), {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message: `Request too large: a line may hold at most ${RPC_MAX_LINE_BYTES} bytes`,
      },
    });
    await offender.waitClosed();
    bystander.sendJson(logInfo(3, 'bystander'));
    assert.equal((await bystander.nextJson()).result, 'Processed payload via RPC: bystander');
  });

  test('when unfinished lines of two connections would pass the shared buffer bound, then one is answered "Server busy" and closed and the other is served', async () => {
    const head = '{"jsonrpc":"2.0","id":1,"method":"LogInfo","params":{"name":"half-sent","data":"';
    const half = `${head}${'z'.repeat(60_000)}`;
    const [first, second] = [await connect(boundedService.rpcPort), await connect(boundedService.rpcPort)];
    first.socket.write(half);
    second.socket.write(half);
    // Exactly one of the two lines finds no room, whichever the server read second.
    const refused = await withTimeout(
      Promise.race([first.closed.then(() => first), second.closed.then(() => second)]),
      5000,
      'neither connection was closed',
    );
    const kept = refused === first ? second : first;
    assert.deepEqual((await refused.nextJson()).error, {
      code: -32000,
      message: 'Server busy: unfinished lines on all connections may hold 100000 bytes together; retry later',
    });
    kept.socket.write('"}}\n');
    assert.equal((await kept.nextJson()).result, 'Processed payload via RPC: half-sent');
    const fresh = await connect(boundedService.rpcPort);
    fresh.sendJson(logInfo(2, 'after-busy'));
    assert.equal((await fresh.nextJson()).result, 'Processed payload via RPC: after-busy');
  });

  test('when more gRPC connections than the cap arrive, then the extra one is refused and the others still answer', async () => {
    const { Client } = loadLogService();
    // A pool of its own per client: grpc-js would otherwise share one connection among them.
    type WriteLog = (
      request: object,
      options: grpc.CallOptions,
      callback: (err: grpc.ServiceError | null, response?: { result: string }) => void,
    ) => void;
    const clients = [1, 2, 3].map(
      () =>
        new Client(boundedService.grpcAddress, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
        }) as unknown as grpc.Client & { WriteLog: WriteLog },
    );
    const writeLog = (client: (typeof clients)[number], name: string) =>
      new Promise<string>((resolve, reject) =>
        client.WriteLog(
          { logEntry: { name, data: 'd' } },
          { deadline: Date.now() + 3000 },
          (err, response) => (err ? reject(err) : resolve(response!.result)),
        ),
      );
    try {
      assert.equal(await writeLog(clients[0]!, 'grpc-capped-1'), 'logged!');
      assert.equal(await writeLog(clients[1]!, 'grpc-capped-2'), 'logged!');
      await assert.rejects(writeLog(clients[2]!, 'grpc-capped-3'), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.UNAVAILABLE, err.message);
        return true;
      });
      assert.equal(await writeLog(clients[0]!, 'grpc-capped-4'), 'logged!');
      assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ name: 'grpc-capped-3' }), 0);
    } finally {
      for (const client of clients) client.close();
    }
  });

  test('when a connection stays idle past the idle timeout, then the server closes it', async () => {
    const socket = await connect(idleService.rpcPort);
    socket.sendJson(logInfo(1, 'before-idle'));
    assert.equal((await socket.nextJson()).result, 'Processed payload via RPC: before-idle');
    await socket.waitClosed(5000);
  });
});
