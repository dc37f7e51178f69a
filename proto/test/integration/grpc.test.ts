import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { createLogGrpcClient, type LogRequest, loadLogService, PeerError } from '../../src/index.js';

describe('logs.proto over gRPC', () => {
  const server = new grpc.Server();
  const seen: Array<{ request: LogRequest; requestId: unknown }> = [];
  let address: string;

  before(async () => {
    const { service } = loadLogService();
    server.addService(service, {
      WriteLog: (
        call: grpc.ServerUnaryCall<LogRequest, unknown>,
        callback: (err: Partial<grpc.ServiceError> | null, value?: unknown) => void,
      ) => {
        seen.push({ request: call.request, requestId: call.metadata.get('x-request-id')[0] });
        if (!call.request.logEntry?.name)
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name is required' });
        callback(null, { result: 'logged!' });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    address = `127.0.0.1:${port}`;
  });
  after(() => server.forceShutdown());

  test('when WriteLog is called, then the entry and request id arrive and the result comes back', async () => {
    const client = createLogGrpcClient({ address });
    assert.equal(await client.writeLog({ name: 'n', data: 'd' }, { requestId: 'r-1' }), 'logged!');
    assert.deepEqual(seen.at(-1), { request: { logEntry: { name: 'n', data: 'd' } }, requestId: 'r-1' });
    client.close();
  });

  test('when the server rejects the argument, then an invalid PeerError carries the details', async () => {
    const client = createLogGrpcClient({ address });
    await assert.rejects(client.writeLog({ name: '', data: 'd' }), (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.deepEqual(
        [err.peer, err.kind, err.detail],
        ['logger-service (gRPC)', 'invalid', 'name is required'],
      );
      return true;
    });
    client.close();
  });

  test('when nothing listens, then the call fails as unreachable naming the logger', async () => {
    const client = createLogGrpcClient({ address: '127.0.0.1:1', timeoutMs: 2000 });
    await assert.rejects(client.writeLog({ name: 'n', data: 'd' }), (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.deepEqual([err.peer, err.kind], ['logger-service (gRPC)', 'unreachable']);
      return true;
    });
    client.close();
  });
});
