import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createLogGrpcClient, createLogRpcClient, PeerError } from '@suite/proto';
import { capturingLogger, closedPort, waitFor } from '@suite/test-kit';
import { createHttpClient } from '@suite/toolbox';
import { createAuthClient } from '../../src/clients/auth.js';
import { createLoggerHttpClient } from '../../src/clients/logger-http.js';
import { createMailClient } from '../../src/clients/mail.js';
import {
  sample,
  scriptedHttp,
  silentPeer,
  silentTcpPeer,
  startBroker,
  type TestBroker,
} from '../support/fakes.js';

const login = { action: 'auth', auth: { email: 'someone@example.com', password: 'wrong' } };

describe('broker error mapping', () => {
  const brokers: TestBroker[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const broker of brokers) await broker.close();
    for (const cleanup of cleanups) await cleanup();
  });
  const brokerWithAuth = async (status: number, data: unknown, headers?: Record<string, string>) => {
    const http = scriptedHttp(async () => ({ status, data, ...(headers ? { headers } : {}) }));
    const broker = await startBroker({ auth: createAuthClient(http.client) });
    brokers.push(broker);
    return broker;
  };

  test('when the authentication-service says 401, then the broker says 401 invalid credentials and records the failure', async () => {
    const broker = await brokerWithAuth(401, { error: true, message: 'invalid credentials' });
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: true, message: 'invalid credentials' });
    const event = broker.published.at(-1)!;
    assert.equal(event.event.name, 'authentication');
    assert.equal(event.options?.severity, 'WARNING');
    assert.deepEqual(
      { ...JSON.parse(event.event.data), reason: undefined },
      { email: 'someone@example.com', success: false, status: 401, reason: undefined },
    );
  });

  test('when the authentication-service says 429, then the broker says 429 and passes Retry-After', async () => {
    const broker = await brokerWithAuth(429, {
      error: true,
      message: 'too many failed login attempts; try again later',
      data: { retry_after_seconds: 42 },
    });
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '42');
    assert.equal((await res.json()).message, 'too many failed login attempts; try again later');
  });

  test('when the 429 carries a Retry-After header, then that header is passed on', async () => {
    const broker = await brokerWithAuth(429, { error: true, message: 'slow down' }, { 'retry-after': '7' });
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
  });

  test('when the authentication-service says 400, then the broker says 400 with its message', async () => {
    const broker = await brokerWithAuth(400, { error: true, message: 'email: invalid email' });
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: true, message: 'email: invalid email' });
  });

  test('when the authentication-service answers 500, then the broker says 502 naming it, not 401', async () => {
    const broker = await brokerWithAuth(500, { error: true, message: 'internal error' });
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { error: true, message: 'authentication-service refused' });
  });

  test('when the authentication-service answers 503 (its own store down), then the broker says 503 naming it, not 401', async () => {
    const broker = await brokerWithAuth(503, { error: true, message: 'limit store (Redis) unreachable' });
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: true, message: 'authentication-service unavailable' });
  });

  test('when the authentication-service is unreachable, then the broker says 502 naming it', async () => {
    const port = await closedPort();
    const http = createHttpClient({ service: 'authentication-service', baseURL: `http://127.0.0.1:${port}` });
    cleanups.push(async () => http.close());
    const broker = await startBroker({ auth: createAuthClient(http) });
    brokers.push(broker);
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { error: true, message: 'authentication-service unreachable' });
    assert.equal(JSON.parse(broker.published.at(-1)!.event.data).status, 502);
  });

  test('when the authentication-service and mail-service are unreachable, then the answer names the service and kind only, and the log has the address with the request id', async () => {
    const port = await closedPort();
    const { logger, lines } = capturingLogger();
    const client = (service: string) => {
      const http = createHttpClient({ service, baseURL: `http://127.0.0.1:${port}` });
      cleanups.push(async () => http.close());
      return http;
    };
    const broker = await startBroker({
      logger,
      auth: createAuthClient(client('authentication-service')),
      mail: createMailClient(client('mail-service')),
    });
    brokers.push(broker);
    const cases = [
      [login, 'authentication-service unreachable'],
      [
        { action: 'mail', mail: { from: 'a@example.com', to: 'b@example.com', subject: 's', message: 'm' } },
        'mail-service unreachable',
      ],
    ] as const;
    for (const [body, message] of cases) {
      const requestId = `leak-${message.split(' ')[0]}`;
      const res = await broker.post('/handle', body, { 'x-request-id': requestId });
      const text = await res.text();
      assert.equal(res.status, 502);
      assert.deepEqual(JSON.parse(text), { error: true, message });
      assert.doesNotMatch(text, new RegExp(`127\\.0\\.0\\.1|${port}|ECONNREFUSED`));
      const logged = lines.filter((line) => line.requestId === requestId).map((line) => JSON.stringify(line));
      assert.ok(
        logged.some((line) => line.includes(`127.0.0.1:${port}`)),
        `the log keeps the address with the request id:\n${logged.join('\n')}`,
      );
    }
  });

  test('when a peer answers 5xx with internal details, then the caller gets only "<service> refused"', async () => {
    const http = scriptedHttp(async () => ({
      status: 502,
      data: { error: true, message: 'connect ECONNREFUSED 172.18.0.5:1025' },
    }));
    const broker = await startBroker({ mail: createMailClient(http.client) });
    brokers.push(broker);
    const res = await broker.post('/handle', {
      action: 'mail',
      mail: { from: 'a@example.com', to: 'b@example.com', subject: 's', message: 'm' },
    });
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { error: true, message: 'mail-service refused' });
  });

  test('when a peer answers 504 itself, then the broker says 504 naming it as timed out', async () => {
    const http = scriptedHttp(async () => ({ status: 504, data: { error: true, message: 'smtp slow' } }));
    const broker = await startBroker({ mail: createMailClient(http.client) });
    brokers.push(broker);
    const res = await broker.post('/handle', {
      action: 'mail',
      mail: { from: 'a@example.com', to: 'b@example.com', subject: 's', message: 'm' },
    });
    assert.deepEqual(
      { status: res.status, body: await res.json() },
      { status: 504, body: { error: true, message: 'mail-service timeout' } },
    );
  });

  test('when the authentication-service does not answer in time, then the broker says 504', async () => {
    const peer = await silentPeer();
    const http = createHttpClient({ service: 'authentication-service', baseURL: peer.url, timeoutMs: 150 });
    cleanups.push(async () => http.close(), peer.close);
    const broker = await startBroker({ auth: createAuthClient(http) });
    brokers.push(broker);
    const res = await broker.post('/handle', login);
    assert.equal(res.status, 504);
    assert.deepEqual(await res.json(), {
      error: true,
      message: 'authentication-service timeout',
    });
  });

  test('when the authentication event cannot be published, then the login still succeeds and the failure is counted', async () => {
    const broker = await startBroker();
    brokers.push(broker);
    broker.bus.failure = new PeerError('rabbitmq', 'unreachable', 'not connected to RabbitMQ');
    const res = await broker.post('/handle', {
      action: 'auth',
      auth: { email: 'a@example.com', password: 'pw' },
    });
    assert.equal(res.status, 202);
    await waitFor(async () => {
      const metrics = await (await fetch(`${broker.url}/metrics`)).text();
      return sample(metrics, 'broker_event_publish_failures_total', 'event="authentication"') === 1;
    });
  });

  test('when RabbitMQ is down, then POST / and log via rabbitmq answer 502 naming it without details', async () => {
    const broker = await startBroker();
    brokers.push(broker);
    broker.bus.failure = new PeerError('rabbitmq', 'unreachable', 'connect ECONNREFUSED 127.0.0.1:5672');
    const hit = await fetch(`${broker.url}/`, { method: 'POST' });
    assert.equal(hit.status, 502);
    const log = await broker.post('/handle', {
      action: 'log',
      via: 'rabbitmq',
      log: { name: 'n', data: 'd' },
    });
    assert.equal(log.status, 502);
    assert.deepEqual(await log.json(), { error: true, message: 'rabbitmq unreachable' });
  });

  test('when a peer client fails, then each kind maps to its status and the message names only peer and kind', async () => {
    const failure = { current: new PeerError('p', 'unreachable', '') };
    const broker = await startBroker({
      loggerRpc: {
        logInfo: async () => {
          throw failure.current;
        },
      },
    });
    brokers.push(broker);
    const expected = { unreachable: 502, refused: 502, timeout: 504, overloaded: 503, invalid: 400 } as const;
    for (const [kind, status] of Object.entries(expected) as Array<[keyof typeof expected, number]>) {
      failure.current = new PeerError(
        'logger-service (JSON-RPC)',
        kind,
        'connect ECONNREFUSED 10.0.0.7:5001',
      );
      const res = await broker.post('/handle', { action: 'log', log: { name: 'n', data: 'd' } });
      assert.deepEqual(
        { status: res.status, body: await res.json() },
        { status, body: { error: true, message: `logger-service (JSON-RPC) ${kind}` } },
        kind,
      );
    }
  });

  test('when every peer accepts the connection but never answers, then each path answers 504 naming it', async () => {
    const timeoutMs = 200;
    const httpPeer = await silentPeer();
    const tcpPeer = await silentTcpPeer();
    const httpClient = (service: string) => {
      const client = createHttpClient({ service, baseURL: httpPeer.url, timeoutMs });
      cleanups.push(async () => client.close());
      return client;
    };
    const loggerRpc = createLogRpcClient({ address: tcpPeer.address, timeoutMs });
    const loggerGrpc = createLogGrpcClient({ address: tcpPeer.address, timeoutMs });
    cleanups.push(
      async () => loggerRpc.close(),
      async () => loggerGrpc.close(),
      httpPeer.close,
      tcpPeer.close,
    );
    const broker = await startBroker({
      auth: createAuthClient(httpClient('authentication-service')),
      mail: createMailClient(httpClient('mail-service')),
      loggerHttp: createLoggerHttpClient(httpClient('logger-service')),
      loggerRpc,
      loggerGrpc,
    });
    brokers.push(broker);
    const log = { name: 'n', data: 'd' };
    const viaHttp = (service: string) => `${service} timeout`;
    const cases = [
      ['/handle', login, viaHttp('authentication-service')],
      [
        '/handle',
        { action: 'mail', mail: { to: 'd@example.com', subject: 's', message: 'm' } },
        viaHttp('mail-service'),
      ],
      ['/handle', { action: 'log', via: 'http', log }, viaHttp('logger-service')],
      ['/handle', { action: 'log', via: 'rpc', log }, 'logger-service (JSON-RPC) timeout'],
      ['/handle', { action: 'log', via: 'grpc', log }, 'logger-service (gRPC) timeout'],
      ['/log-grpc', { log }, 'logger-service (gRPC) timeout'],
    ] as const;
    for (const [path, body, message] of cases) {
      const res = await broker.post(path, body);
      assert.deepEqual(
        { status: res.status, body: await res.json() },
        { status: 504, body: { error: true, message } },
        `${path} ${JSON.stringify(body)}`,
      );
    }
  });

  test('when the mail-service says 400 or 502, then the broker says the same', async () => {
    for (const [status, expected] of [
      [400, 400],
      [502, 502],
    ] as const) {
      const http = scriptedHttp(async () => ({
        status,
        data: { error: true, message: `mail said ${status}` },
      }));
      const broker = await startBroker({ mail: createMailClient(http.client) });
      brokers.push(broker);
      const res = await broker.post('/handle', {
        action: 'mail',
        mail: { from: 'a@example.com', to: 'd@example.com', subject: 's', message: 'm' },
      });
      assert.equal(res.status, expected);
      const { message } = await res.json();
      assert.equal(message, status === 400 ? 'mail said 400' : 'mail-service refused');
    }
  });

  test('when a dependency throws something unexpected, then the caller gets a 500 envelope without details', async () => {
    const broker = await startBroker({
      loggerRpc: {
        logInfo: async () => {
          throw new Error('secret internals');
        },
      },
    });
    brokers.push(broker);
    const res = await broker.post('/handle', { action: 'log', log: { name: 'n', data: 'd' } });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: true, message: 'broker-service internal error' });
  });
});
