import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogGrpcClient, type LogGrpcClient } from '@suite/proto';
import { waitFor } from '@suite/test-kit';
import { LineSocket } from '../support/line-socket.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

const RECOVERY_DEADLINE_MS = 20_000;

describe('MongoDB restart', () => {
  let mongo: TestMongo;
  let service: RunningService;
  let grpcClient: LogGrpcClient;
  let socket: LineSocket | undefined;

  before(async () => {
    mongo = await startTestMongo({ serverSelectionTimeoutMS: 1000 });
    service = await startService(mongo, { env: { MONGO_SERVER_SELECTION_TIMEOUT_MS: '1000' } });
    grpcClient = createLogGrpcClient({ address: service.grpcAddress, timeoutMs: 5000 });
  });
  after(async () => {
    socket?.close();
    grpcClient?.close();
    await service?.close();
    await mongo?.close();
  });

  const writeOverHttp = (name: string) =>
    fetch(`${service.httpUrl}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, data: 'd' }),
    });

  test('when MongoDB goes away and comes back on the same port, then writes fail fast with 503 and then work again', {
    skip: process.env.MONGO_URL ? 'a real MONGO_URL server is not stopped by tests' : false,
  }, async () => {
    assert.equal((await writeOverHttp('before-outage')).status, 202);
    await mongo.stop();

    const down = await writeOverHttp('during-outage');
    assert.equal(down.status, 503);
    assert.match((await down.json()).message, /MongoDB is unreachable/);
    const ready = await fetch(`${service.httpUrl}/readyz`);
    assert.equal(ready.status, 503);
    const readyText = await ready.text();
    assert.notEqual(JSON.parse(readyText).data.mongodb, 'ok');
    // Public answers name the failing service and the kind of failure, never an address or driver text.
    assert.doesNotMatch(readyText, /127\.0\.0\.1|ECONN|connect /);

    socket = await LineSocket.connect(service.rpcPort);
    socket.sendJson({ jsonrpc: '2.0', id: 1, method: 'LogInfo', params: { name: 'rpc-outage', data: 'd' } });
    const rpcError = (await socket.nextJson(10_000)).error as { code: number; message: string };
    assert.equal(rpcError.code, -32603);
    assert.match(rpcError.message, /MongoDB is unreachable/);
    assert.doesNotMatch(rpcError.message, /127\.0\.0\.1|ECONN|connect /);

    await assert.rejects(
      grpcClient.writeLog({ name: 'grpc-outage', data: 'd' }),
      (err: Error & { kind?: string }) => {
        assert.equal(err.kind, 'unreachable');
        return true;
      },
    );

    await mongo.start();
    let status = 0;
    await waitFor(
      async () => {
        status = (await writeOverHttp('after-outage')).status;
        return status === 202;
      },
      {
        timeoutMs: RECOVERY_DEADLINE_MS,
        intervalMs: 250,
        describe: () => `HTTP writes still answer ${status}`,
      },
    );
    assert.equal((await fetch(`${service.httpUrl}/readyz`)).status, 200);
    socket.sendJson({ jsonrpc: '2.0', id: 2, method: 'LogInfo', params: { name: 'rpc-back', data: 'd' } });
    assert.equal((await socket.nextJson()).result, 'Processed payload via RPC: rpc-back');
    assert.equal(await grpcClient.writeLog({ name: 'grpc-back', data: 'd' }), 'logged!');
  });
});
