import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServiceError } from '@grpc/grpc-js';
import {
  createLogGrpcClient,
  createLogStreamClient,
  PEER_ERROR_KINDS,
  PeerError,
  type PeerErrorKind,
} from '@suite/proto';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/auth-server.js';
import { FakeLogStore } from '../support/fake-store.js';
import { LineSocket } from '../support/line-socket.js';
import { type RunningService, startService } from '../support/service.js';

/** Each transport's answer to each kind of storage failure, as the README's table gives them. */
const INTERNAL = { code: -32603, label: 'Internal error' };
const EXPECTED: Record<
  PeerErrorKind,
  { http: number; grpc: string; jsonRpc: { code: number; label: string }; page: string }
> = {
  unreachable: { http: 503, grpc: 'UNAVAILABLE', jsonRpc: INTERNAL, page: 'Storage unavailable' },
  timeout: { http: 503, grpc: 'UNAVAILABLE', jsonRpc: INTERNAL, page: 'Storage unavailable' },
  overloaded: { http: 503, grpc: 'RESOURCE_EXHAUSTED', jsonRpc: INTERNAL, page: 'Storage unavailable' },
  refused: { http: 500, grpc: 'INTERNAL', jsonRpc: INTERNAL, page: 'Something went wrong' },
  invalid: {
    http: 400,
    grpc: 'INVALID_ARGUMENT',
    jsonRpc: { code: -32602, label: 'Invalid params' },
    page: 'Request rejected',
  },
};

const GRPC_CODES: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  8: 'RESOURCE_EXHAUSTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
};

const DRIVER_TEXT = 'connect ECONNREFUSED 10.0.0.7:27017';

describe("the logger's answer to each kind of storage failure", () => {
  const store = new FakeLogStore();
  let service: RunningService;

  before(async () => {
    service = await startService(store);
  });
  after(async () => {
    await service?.close();
  });

  test('when the store fails with each kind, then HTTP, gRPC, JSON-RPC and the admin pages answer from their tables with the summary only', async () => {
    const web = service.web();
    assert.equal((await web.signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).response.status, 303);
    const grpc = createLogGrpcClient({ address: service.grpcAddress });
    const grpcStream = createLogStreamClient({ address: service.grpcAddress });
    const socket = await LineSocket.connect(service.rpcPort);
    try {
      for (const kind of PEER_ERROR_KINDS) {
        const summary = `MongoDB failed as ${kind}`;
        store.failure = new PeerError('MongoDB', kind, DRIVER_TEXT, { summary });
        const expected = EXPECTED[kind];

        const http = await fetch(`${service.httpUrl}/log`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'n', data: 'd' }),
        });
        assert.deepEqual(
          { status: http.status, body: await http.json() },
          { status: expected.http, body: { error: true, message: summary } },
          `HTTP ${kind}`,
        );

        const rpcFailure = await grpc.writeLog({ name: 'n', data: 'd' }).then(
          () => assert.fail(`gRPC ${kind} succeeded`),
          (err: PeerError) => err,
        );
        assert.equal(GRPC_CODES[(rpcFailure.cause as ServiceError).code], expected.grpc, `gRPC ${kind}`);
        assert.equal(rpcFailure.detail, `could not store the log entry: ${summary}`);
        // An entry on WriteLogStream is answered with the status the unary call ends with.
        const streamFailure = await grpcStream.writeLog({ name: 'n', data: 'd' }).then(
          () => assert.fail(`WriteLogStream ${kind} succeeded`),
          (err: PeerError) => err,
        );
        assert.deepEqual(
          [streamFailure.kind, streamFailure.detail],
          [rpcFailure.kind, rpcFailure.detail],
          `WriteLogStream ${kind}`,
        );

        socket.sendJson({ jsonrpc: '2.0', id: 1, method: 'LogInfo', params: { name: 'n', data: 'd' } });
        const { error } = (await socket.nextJson()) as { error: { code: number; message: string } };
        assert.deepEqual(
          error,
          {
            code: expected.jsonRpc.code,
            message: `${expected.jsonRpc.label}: could not store the log entry: ${summary}`,
          },
          `JSON-RPC ${kind}`,
        );

        const page = await web.get('/admin/dashboard');
        assert.equal(page.status, expected.http, `admin page ${kind}`);
        assert.match(page.body, new RegExp(expected.page), `admin page ${kind}`);

        for (const text of [JSON.stringify(error), page.body, rpcFailure.detail]) {
          assert.doesNotMatch(
            text,
            /ECONNREFUSED|10\.0\.0\.7/,
            `${kind}: the driver's text is for the log only`,
          );
        }
      }
    } finally {
      store.failure = undefined;
      grpc.close();
      grpcStream.close();
      socket.close();
    }
  });
});
