import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogGrpcClient } from '@suite/proto';
import { closedPort, WebClient } from '@suite/test-kit';
import { createLogger } from '@suite/toolbox';
import { readConfig } from '../../src/config.js';
import { startRpcServer } from '../../src/rpc/server.js';
import { FakeLogStore } from '../support/fake-store.js';
import { checkHealth } from '../support/health-client.js';
import { LineSocket } from '../support/line-socket.js';
import { type RunningService, startService } from '../support/service.js';

const logger = createLogger('test', 'silent');

describe('transports with storage down', () => {
  const store = new FakeLogStore();
  let service: RunningService;

  before(async () => {
    service = await startService(store);
  });
  after(async () => {
    await service?.close();
  });

  test('when storage is down, then HTTP answers 503, JSON-RPC -32603 and gRPC UNAVAILABLE with NOT_SERVING health', async () => {
    store.down = true;
    try {
      const response = await fetch(`${service.httpUrl}/log`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'n', data: 'd' }),
      });
      assert.equal(response.status, 503);
      assert.deepEqual(await response.json(), { error: true, message: 'MongoDB is unreachable' });

      const socket = await LineSocket.connect(service.rpcPort);
      socket.sendJson({ jsonrpc: '2.0', id: 1, method: 'LogInfo', params: { name: 'n', data: 'd' } });
      const error = (await socket.nextJson()).error as { code: number };
      assert.equal(error.code, -32603);
      socket.close();

      const client = createLogGrpcClient({ address: service.grpcAddress });
      await assert.rejects(client.writeLog({ name: 'n', data: 'd' }), /logger-service \(gRPC\) unreachable/);
      client.close();
      assert.equal(await checkHealth(service.grpcAddress), 'NOT_SERVING');
    } finally {
      store.down = false;
    }
  });
});

describe('admin login when authentication-service is down', () => {
  let service: RunningService;

  before(async () => {
    service = await startService(new FakeLogStore(), {
      env: { AUTH_SERVICE_URL: `http://127.0.0.1:${await closedPort()}` },
    });
  });
  after(async () => {
    await service?.close();
  });

  test('when authentication-service is unreachable, then the login page says so instead of invalid credentials', async () => {
    const web = service.web();
    const page = await web.get('/login');
    const response = await web.postForm('/login', {
      _csrf: WebClient.csrfFrom(page.body),
      email: 'a@b.c',
      password: 'x',
    });
    assert.equal(response.status, 503);
    assert.match(response.body, /authentication service is unavailable/);
    assert.doesNotMatch(response.body, /Invalid credentials/i);
  });
});

describe('JSON-RPC server shutdown', () => {
  test('when close() is called with a call in flight, then the call is answered before the connection ends', async () => {
    const store = new FakeLogStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    const insert = store.insert.bind(store);
    store.insert = async (entry, ids) => {
      started();
      await gate;
      return insert(entry, ids);
    };
    const rpc = await startRpcServer({
      store,
      logger,
      port: 0,
      host: '127.0.0.1',
      limits: readConfig({}),
      closeGraceMs: 2000,
    });
    const socket = await LineSocket.connect(rpc.port);
    socket.sendJson({ jsonrpc: '2.0', id: 1, method: 'LogInfo', params: { name: 'slow', data: 'd' } });
    await inFlight;
    const closing = rpc.close();
    release();
    assert.equal((await socket.nextJson()).result, 'Processed payload via RPC: slow');
    await socket.waitClosed();
    await closing;
  });
});
