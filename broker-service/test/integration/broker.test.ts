import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BrokerSuite, startBrokerSuite, uniqueTag } from '../support/suite.js';

const ALLOWED_ORIGIN = 'http://page.allowed.test';

describe('broker against its real peers', () => {
  let env: BrokerSuite;
  let broker: string;
  before(async () => {
    env = await startBrokerSuite({ CORS_ORIGINS: ALLOWED_ORIGIN });
    broker = env.suite.urls.broker;
  });
  after(() => env?.stop());

  const post = async (path: string, body: unknown, requestId = uniqueTag('req')) => {
    const res = await fetch(`${broker}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json(), requestId };
  };

  test('when the broker is hit, then a broker_hit entry with the request id reaches MongoDB through RabbitMQ', async () => {
    const { status, body, requestId } = await post('/', {});
    assert.equal(status, 202);
    assert.deepEqual(body, { error: false, message: 'Hit the broker' });
    const [entry] = await env.logs.waitFor({ name: 'broker_hit', request_id: requestId });
    assert.equal(typeof entry?.event_id, 'string');
  });

  test('when the seeded admin logs in, then the user comes back and an authentication event is stored', async () => {
    const { status, body, requestId } = await post('/handle', {
      action: 'auth',
      auth: { email: 'admin@example.com', password: 'verysecret' },
    });
    assert.equal(status, 202);
    assert.equal(body.message, 'Authenticated!');
    assert.equal(body.data.email, 'admin@example.com');
    assert.equal(body.data.first_name, 'Admin');
    assert.equal(JSON.stringify(body.data).includes('password'), false);
    const entries = await env.logs.waitFor({
      name: 'authentication',
      request_id: requestId,
      event_id: { $exists: true },
    });
    assert.equal(entries.length, 1);
    assert.deepEqual(JSON.parse(entries[0]!.data), {
      email: 'admin@example.com',
      success: true,
      status: 202,
    });
    // One record per login: the broker's event is the only entry with this request id.
    const records = await env.logs.waitFor({ name: 'authentication', request_id: requestId });
    assert.equal(records.length, 1);
  });

  test('when the password is wrong, then 401 invalid credentials and the failure is stored without the password', async () => {
    const email = `${uniqueTag('nobody')}@example.com`;
    const { status, body, requestId } = await post('/handle', {
      action: 'auth',
      auth: { email, password: 'not-the-password' },
    });
    assert.equal(status, 401);
    assert.deepEqual(body, { error: true, message: 'invalid credentials' });
    const [entry] = await env.logs.waitFor({
      name: 'authentication',
      request_id: requestId,
      event_id: { $exists: true },
    });
    const data = JSON.parse(entry!.data);
    assert.equal(data.email, email);
    assert.equal(data.success, false);
    assert.equal(data.status, 401);
    assert.doesNotMatch(entry!.data, /not-the-password/);
  });

  for (const via of ['rpc', 'grpc', 'http', 'rabbitmq'] as const) {
    test(`when a log is sent via ${via}, then exactly one entry with its data and request id is stored`, async () => {
      const tag = uniqueTag(`via-${via}`);
      const { status, body, requestId } = await post('/handle', {
        action: 'log',
        via,
        log: { name: 'event', data: tag },
      });
      assert.equal(status, 202);
      assert.equal(body.message, `logged via ${via}`);
      const expected = { rpc: 'Processed payload via RPC: event', grpc: 'logged!', http: 'logged' } as const;
      if (via === 'rabbitmq') assert.equal(typeof body.data.eventId, 'string');
      else assert.equal(body.data.result, expected[via]);
      const entries = await env.logs.waitFor({ data: tag });
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.request_id, requestId, 'request id carried to the logger');
      if (via === 'rabbitmq') assert.equal(entries[0]!.event_id, body.data.eventId);
    });
  }

  test('when via is left out, then the log goes over JSON-RPC', async () => {
    const tag = uniqueTag('default-via');
    const { status, body } = await post('/handle', { action: 'log', log: { name: 'event', data: tag } });
    assert.equal(status, 202);
    assert.equal(body.message, 'logged via rpc');
    assert.equal((await env.logs.waitFor({ data: tag })).length, 1);
  });

  test('when /log-grpc is called, then the entry is stored through gRPC', async () => {
    const tag = uniqueTag('log-grpc');
    const { status, body, requestId } = await post('/log-grpc', { log: { name: 'event', data: tag } });
    assert.equal(status, 202);
    assert.equal(body.message, 'logged via gRPC');
    const [entry] = await env.logs.waitFor({ data: tag });
    assert.equal(entry?.request_id, requestId);
  });

  test('when a mail is sent, then the SMTP catcher receives it', async () => {
    const subject = uniqueTag('subject');
    const { status, body } = await post('/handle', {
      action: 'mail',
      mail: { from: 'me@example.com', to: 'you@there.com', subject, message: 'Hello from the test' },
    });
    assert.equal(status, 202);
    assert.deepEqual(body, { error: false, message: 'Message sent to you@there.com' });
    const mail = await env.suite.mail!.waitFor((m) => m.subject === subject, 5000);
    assert.match(mail.to, /you@there\.com/);
    assert.match(mail.text, /Hello from the test/);
  });

  test('when the mail-service rejects the address, then its 400 reaches the caller', async () => {
    const { status, body } = await post('/handle', {
      action: 'mail',
      mail: { from: 'me@example.com', to: 'not an address', subject: 's', message: 'm' },
    });
    assert.equal(status, 400);
    assert.equal(body.error, true);
  });

  test('when SMTP refuses the message, then the broker answers 502', async () => {
    env.suite.mail!.rejectNext(1, 554, 'refused by the test');
    const { status, body } = await post('/handle', {
      action: 'mail',
      mail: { from: 'me@example.com', to: 'you@there.com', subject: uniqueTag('refused'), message: 'm' },
    });
    assert.equal(status, 502);
    assert.match(body.message, /mail-service/);
  });

  test('when an allowed origin sends a preflight, then it is allowed; another origin gets no allow header', async () => {
    const preflight = (origin: string) =>
      fetch(`${broker}/handle`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-request-id',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /X-Request-Id/i);
    const other = await preflight('http://elsewhere.test');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('when every peer is up, then /readyz is 200 and /health/dependencies reports each peer ok', async () => {
    const ready = await fetch(`${broker}/readyz`);
    assert.equal(ready.status, 200);
    const health = await fetch(`${broker}/health/dependencies`);
    assert.equal(health.status, 200);
    assert.deepEqual((await health.json()).data, {
      rabbitmq: 'ok',
      'authentication-service': 'ok',
      'mail-service': 'ok',
      'logger-service': 'ok',
      redis: 'ok',
    });
  });

  test('when the logger is stopped, then logging answers 502 naming it, the broker stays ready and reports the logger down; it recovers on restart', async () => {
    await env.suite.stopService('logger-service');
    try {
      const { status, body } = await post('/handle', { action: 'log', log: { name: 'event', data: 'down' } });
      assert.equal(status, 502);
      // Names the hop; the wording of the cause is the RPC client's.
      assert.match(body.message, /^logger-service \(JSON-RPC\) .*(unreachable|ECONNREFUSED)/);
      const http = await post('/handle', {
        action: 'log',
        via: 'http',
        log: { name: 'event', data: 'down' },
      });
      assert.equal(http.status, 502);
      assert.equal(http.body.message, 'logger-service unreachable');
      // Auth and mail do not need the logger, so neither does the broker's readiness.
      assert.equal((await fetch(`${broker}/readyz`)).status, 200);
      const login = await post('/handle', {
        action: 'auth',
        auth: { email: 'admin@example.com', password: 'verysecret' },
      });
      assert.equal(login.status, 202);
      const health = await fetch(`${broker}/health/dependencies`);
      assert.equal(health.status, 503);
      const report = (await health.json()).data;
      assert.equal(report['logger-service'], 'down');
      assert.equal(report['authentication-service'], 'ok');
    } finally {
      await env.suite.startService('logger-service');
    }
    const tag = uniqueTag('after-restart');
    const { status } = await post('/handle', { action: 'log', log: { name: 'event', data: tag } });
    assert.equal(status, 202);
    assert.equal((await env.logs.waitFor({ data: tag })).length, 1);
  });
});
