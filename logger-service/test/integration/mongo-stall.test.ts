import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLogGrpcClient, createLogStreamClient, type LogGrpcClient } from '@suite/proto';
import { eventually } from '@suite/test-kit';
import { type Child, startChild } from '../support/child.js';
import { LineSocket } from '../support/line-socket.js';
import { type RunningService, startService } from '../support/service.js';

/** The stand-in's own process, so the test can stop it with SIGSTOP. */
const STANDIN = fileURLToPath(import.meta.resolve('@suite/mongo-standin/main'));
/** Every answer must come well within this, though MongoDB never answers. */
const ANSWER_WITHIN_MS = 5000;

describe('MongoDB stalled (the stand-in stopped with SIGSTOP)', {
  skip: process.env.MONGO_URL ? 'a real MONGO_URL server is not stopped by tests' : false,
}, () => {
  let standin: Child;
  let service: RunningService;
  let grpc: LogGrpcClient;
  let grpcStream: LogGrpcClient;
  let socket: LineSocket;

  before(async () => {
    standin = await startChild(STANDIN, { MONGO_STANDIN_PORT: '0' }, /MongoDB stand-in listening: /);
    const url = `${standin.line.slice(standin.line.indexOf('mongodb://'))}/logs_stall`;
    service = await startService(
      { url },
      { env: { MONGO_OPERATION_TIMEOUT_MS: '1000', MONGO_SERVER_SELECTION_TIMEOUT_MS: '1000' } },
    );
    grpc = createLogGrpcClient({ address: service.grpcAddress, timeoutMs: ANSWER_WITHIN_MS });
    grpcStream = createLogStreamClient({ address: service.grpcAddress, timeoutMs: ANSWER_WITHIN_MS });
    socket = await LineSocket.connect(service.rpcPort);
  });
  after(async () => {
    standin?.process.kill('SIGCONT');
    socket?.close();
    grpc?.close();
    grpcStream?.close();
    await service?.close();
    await standin?.stop();
  });

  const writeOverHttp = (name: string) =>
    fetch(`${service.httpUrl}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, data: 'd' }),
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
  const readyz = () => fetch(`${service.httpUrl}/readyz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });

  test('when MongoDB stops answering, then every transport answers an error in time, readiness is red, and all recover after SIGCONT without a restart', async () => {
    assert.equal((await writeOverHttp('before-stall')).status, 202);
    assert.equal((await readyz()).status, 200);

    standin.process.kill('SIGSTOP');

    const http = await writeOverHttp('during-stall');
    assert.equal(http.status, 503);
    assert.match((await http.json()).message, /^MongoDB (timed out|is unreachable)$/);

    socket.sendJson({ jsonrpc: '2.0', id: 1, method: 'LogInfo', params: { name: 'rpc-stall', data: 'd' } });
    const rpcError = (await socket.nextJson(ANSWER_WITHIN_MS)).error as { code: number; message: string };
    assert.equal(rpcError.code, -32603);
    assert.match(rpcError.message, /MongoDB (timed out|is unreachable)/);

    for (const [client, name] of [
      [grpc, 'grpc-stall'],
      [grpcStream, 'grpc-stream-stall'],
    ] as const) {
      await assert.rejects(client.writeLog({ name, data: 'd' }), (err: Error & { kind?: string }) => {
        assert.notEqual(err.kind, 'timeout', `${name} waited for the client deadline instead of failing`);
        return true;
      });
    }

    const notReady = await readyz();
    assert.equal(notReady.status, 503);
    assert.match(JSON.stringify(await notReady.json()), /MongoDB (timed out|is unreachable)/);

    standin.process.kill('SIGCONT');
    await eventually(
      async () => {
        assert.equal((await writeOverHttp('after-stall')).status, 202);
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    assert.equal((await readyz()).status, 200);
    socket.sendJson({ jsonrpc: '2.0', id: 2, method: 'LogInfo', params: { name: 'rpc-back', data: 'd' } });
    assert.equal((await socket.nextJson(ANSWER_WITHIN_MS)).result, 'Processed payload via RPC: rpc-back');
    assert.equal(await grpc.writeLog({ name: 'grpc-back', data: 'd' }), 'logged!');
    assert.equal(await grpcStream.writeLog({ name: 'grpc-stream-back', data: 'd' }), 'logged!');
  });
});
