import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { dropDatabase, type RunningService, SEED, startService, testDatabase } from './support.js';

interface Received {
  path: string;
  requestId: string | undefined;
  body: { name: string; data: string };
}

/** Waits until `check` holds, failing with `message` after `ms`. */
async function eventually(check: () => boolean, message: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('activity log when the logger service is up', () => {
  const database = testDatabase();
  const received: Received[] = [];
  let fakeLogger: http.Server;
  let service: RunningService;

  before(async () => {
    fakeLogger = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => {
        raw += chunk;
      });
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          requestId: req.headers['x-request-id'] as string,
          body: JSON.parse(raw),
        });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"error":false,"message":"logged"}');
      });
    });
    await new Promise<void>((resolve) => fakeLogger.listen(0, '127.0.0.1', resolve));
    const { port } = fakeLogger.address() as AddressInfo;
    service = await startService({ databaseUrl: database.url, loggerUrl: `http://127.0.0.1:${port}` });
  });
  after(async () => {
    await service?.close();
    fakeLogger.closeAllConnections();
    await new Promise((resolve) => fakeLogger.close(resolve));
    await dropDatabase(database.name);
  });

  test('when a user logs in, then the logger receives the entry with the request id', async () => {
    const res = await service.post(
      '/authenticate',
      { email: SEED.email, password: SEED.password },
      { 'x-request-id': 'login-req-1' },
    );
    assert.equal(res.status, 202);
    await eventually(
      () => received.some((r) => r.requestId === 'login-req-1'),
      'the logger never got the entry',
    );
    const entry = received.find((r) => r.requestId === 'login-req-1')!;
    assert.equal(entry.path, '/log');
    assert.deepEqual(entry.body, { name: 'authentication', data: `${SEED.email} logged in` });
  });

  test('when a login fails, then the logger gets a failure entry without the password', async () => {
    const res = await service.post(
      '/authenticate',
      { email: SEED.email, password: 'secret-guess' },
      { 'x-request-id': 'login-req-2' },
    );
    assert.equal(res.status, 401);
    await eventually(
      () => received.some((r) => r.requestId === 'login-req-2'),
      'the logger never got the entry',
    );
    const entry = received.find((r) => r.requestId === 'login-req-2')!;
    assert.deepEqual(entry.body, { name: 'authentication', data: `failed login for ${SEED.email}` });
    assert.doesNotMatch(JSON.stringify(received), /secret-guess|verysecret/);
  });
});

describe('activity log when the logger service is down', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    // Bind and release a port so nothing listens on it.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    service = await startService({ databaseUrl: database.url, loggerUrl: `http://127.0.0.1:${port}` });
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when a user logs in, then the login succeeds and the missed entry is counted', async () => {
    const res = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(res.status, 202);
    await service.activity.drain();
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    assert.match(metrics, /^auth_activity_log_failures_total\{[^}]*\} 1$/m);
  });
});
