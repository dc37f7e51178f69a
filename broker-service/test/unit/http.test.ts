import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBroker, type TestBroker } from '../support/fakes.js';

describe('broker HTTP surface', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.close());

  const preflight = (origin: string) =>
    fetch(`${broker.url}/handle`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-request-id',
      },
    });

  test('when a configured origin sends a preflight, then it is allowed with Content-Type and X-Request-Id', async () => {
    const res = await preflight('http://front.example');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://front.example');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /X-Request-Id/);
  });

  test('when another origin sends a preflight, then no allow header is sent', async () => {
    const res = await preflight('http://evil.example');
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  test('when a configured origin posts, then the answer exposes X-Request-Id, even for a rejected body', async () => {
    for (const body of [{ action: 'log', log: { name: 'n', data: 'd' } }, '{"broken"']) {
      const res = await broker.post('/handle', body, {
        origin: 'http://front.example',
        'x-request-id': 'cors-1',
      });
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://front.example');
      assert.match(res.headers.get('access-control-expose-headers') ?? '', /X-Request-Id/);
      assert.equal(res.headers.get('x-request-id'), 'cors-1');
    }
  });

  test('when RabbitMQ is down, then /readyz stays 200 and /health/dependencies is 503 naming it', async () => {
    const healthy = await fetch(`${broker.url}/health/dependencies`);
    assert.equal(healthy.status, 200);
    assert.deepEqual((await healthy.json()).data, {
      rabbitmq: 'ok',
      'authentication-service': 'ok',
      'mail-service': 'ok',
      'logger-service': 'ok',
      redis: 'ok',
    });
    broker.bus.connected = false;
    try {
      const ready = await fetch(`${broker.url}/readyz`);
      assert.equal(ready.status, 200);
      const down = await fetch(`${broker.url}/health/dependencies`);
      assert.equal(down.status, 503);
      const body = await down.json();
      assert.equal(body.error, true);
      assert.equal(body.data.rabbitmq, 'down');
      assert.equal(body.data['logger-service'], 'ok');
    } finally {
      broker.bus.connected = true;
    }
  });

  test('when /metrics is scraped, then request counters are there', async () => {
    await fetch(`${broker.url}/ping`);
    const res = await fetch(`${broker.url}/metrics`);
    assert.equal(res.status, 200);
    // The HELP line is there from start-up; a sample for /ping shows the request was counted.
    assert.match(await res.text(), /^http_requests_total\{[^}]*route="\/ping"[^}]*\} [1-9]/m);
  });
});
