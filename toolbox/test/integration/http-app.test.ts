import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { PeerError } from '@suite/proto/errors';
import { closedPort, waitFor } from '@suite/test-kit';
import { pino } from 'pino';
import { z } from 'zod';
import {
  AppError,
  createHttpApp,
  createHttpClient,
  listen,
  readJsonBody,
  sendOk,
  tooManyRequests,
} from '../../src/index.js';

/** The app's log lines, to check that what a client is not told is still logged with the request id. */
const logLines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
const loggedFor = (requestId: string | null) =>
  JSON.stringify(logLines.filter((l) => l.requestId === requestId));
const DRIVER_TEXT = 'connect ECONNREFUSED 172.18.0.5:1025';

describe('createHttpApp and the error middleware', () => {
  let server: http.Server;
  let base: string;
  let downstream: http.Server;
  let seenByDownstream: string | undefined;
  let forwardedToDownstream: string | undefined;
  let failReadiness = false;
  const clients: Array<{ close(): void }> = [];

  before(async () => {
    downstream = http.createServer((req, res) => {
      seenByDownstream = req.headers['x-request-id'] as string | undefined;
      forwardedToDownstream = req.headers['x-forwarded-for'] as string | undefined;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const downstreamPort = await listen(downstream, 0, '127.0.0.1');
    const client = createHttpClient({
      service: 'downstream-service',
      baseURL: `http://127.0.0.1:${downstreamPort}`,
    });
    const unreachable = createHttpClient({
      service: 'ghost-service',
      baseURL: `http://127.0.0.1:${await closedPort()}`,
      timeoutMs: 500,
    });

    const app = createHttpApp({
      service: 'demo',
      logger,
      bodyLimit: '1kb',
      readiness: {
        database: async () => {
          if (failReadiness) throw new Error('connection refused');
        },
      },
      beforeBody: (app) =>
        app.use((_req, res, next) => {
          res.setHeader('X-Before-Body', 'seen');
          next();
        }),
      routes: (app) => {
        const body = z.object({ name: z.string(), count: z.number().int() });
        app.post('/echo', (req, res) => sendOk(res, 'echoed', readJsonBody(req, body)));
        app.post('/call-downstream', async (_req, res) => {
          const answer = await client.get('/anything');
          sendOk(res, 'called', answer.data);
        });
        app.post('/call-ghost', async () => {
          await unreachable.get('/');
        });
        app.post('/fail', () => {
          throw new Error('secret internal detail');
        });
        app.post('/smtp-down', () => {
          throw new PeerError('mail-server', 'unreachable', DRIVER_TEXT, { cause: new Error(DRIVER_TEXT) });
        });
        app.post('/leaky', () => {
          const cause = new Error(DRIVER_TEXT);
          throw new AppError(503, `cannot prepare database: ${cause.message}`, { cause });
        });
        app.post('/gateway', () => {
          throw new AppError(502, 'mail-service is unreachable');
        });
        app.post('/busy', () => {
          throw tooManyRequests('slow down', 41.2, { retry_after_seconds: 42 });
        });
      },
    });

    server = http.createServer(app);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });

  after(async () => {
    for (const client of clients) client.close();
    await new Promise((r) => server.close(r));
    await new Promise((r) => downstream.close(r));
  });

  const post = (
    path: string,
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) => fetch(`${base}${path}`, { method: 'POST', body, headers });

  test('when the body is valid, then a 202 envelope carries the data', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'a', count: 2, extra: true }));
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { error: false, message: 'echoed', data: { name: 'a', count: 2 } });
  });

  test('when an envelope is sent, then it goes out as UTF-8 JSON with its length in bytes', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'é€😀', count: 1 }));
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('content-length'), String(bytes.length));
    assert.equal(JSON.parse(bytes.toString('utf8')).data.name, 'é€😀');
  });

  test('when the JSON is malformed, then 400 says so', async () => {
    const res = await post('/echo', '{"name":');
    assert.equal(res.status, 400);
    const json = await res.json();
    assert.equal(json.error, true);
    assert.match(json.message, /^malformed JSON/);
  });

  test('when the content type is not JSON, then 400 names the expected type', async () => {
    const res = await post('/echo', 'name=a', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, /Content-Type: application\/json/);
  });

  test('when a field has the wrong type, then 400 names the field', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'a', count: 'two' }));
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, /^count: Expected number, received string/);
  });

  test('when the body is a JSON array, then 400 asks for an object', async () => {
    const res = await post('/echo', '[1,2]');
    assert.equal(res.status, 400);
    assert.equal((await res.json()).message, 'expected a JSON object');
  });

  test('when the body is over the limit, then 413 states the limit', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'x'.repeat(5000), count: 1 }));
    assert.equal(res.status, 413);
    assert.equal(
      res.headers.get('x-before-body'),
      'seen',
      'the beforeBody hook ran before the parser refused',
    );
    assert.deepEqual(await res.json(), { error: true, message: 'request body too large (limit 1024 bytes)' });
  });

  test('when a handler throws an unexpected error, then 500 names the service only; the detail is logged with the request id', async () => {
    const res = await post('/fail', '{}');
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { error: true, message: 'demo internal error' });
    assert.doesNotMatch(text, /secret|at /);
    assert.match(loggedFor(res.headers.get('x-request-id')), /secret internal detail/);
  });

  test('when a dependency fails, then the client reads "<service> <kind>" and the driver text goes only to the log', async () => {
    const res = await post('/smtp-down', '{}');
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { error: true, message: 'mail-server unreachable' });
    assert.match(loggedFor(res.headers.get('x-request-id')), /ECONNREFUSED 172\.18\.0\.5:1025/);
  });

  test('when a 5xx message repeats its cause text, then the client reads "<service> failed" instead', async () => {
    const res = await post('/leaky', '{}');
    assert.equal(res.status, 503);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { error: true, message: 'demo failed' });
    assert.doesNotMatch(text, /172\.18|ECONNREFUSED/);
    assert.match(loggedFor(res.headers.get('x-request-id')), /cannot prepare database: connect ECONNREFUSED/);
  });

  test('when a dependency is named in an AppError, then its status and message come through', async () => {
    const res = await post('/gateway', '{}');
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { error: true, message: 'mail-service is unreachable' });
  });

  test('when an AppError carries headers, then the answer has them (429 with Retry-After)', async () => {
    const res = await post('/busy', '{}');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '42');
    assert.deepEqual(await res.json(), {
      error: true,
      message: 'slow down',
      data: { retry_after_seconds: 42 },
    });
  });

  test('when the route does not exist, then 404 is an envelope too', async () => {
    const res = await fetch(`${base}/nope`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: true, message: 'no route for GET /nope' });
  });

  test('when a request id is sent, then it is returned and passed to the downstream call', async () => {
    const res = await post('/call-downstream', '{}', {
      'content-type': 'application/json',
      'x-request-id': 'req-123',
    });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('x-request-id'), 'req-123');
    assert.equal(seenByDownstream, 'req-123');
  });

  test('when an untrusted caller sends X-Forwarded-For, then only its own address is passed downstream', async () => {
    await post('/call-downstream', '{}', {
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.9',
    });
    assert.equal(forwardedToDownstream, '127.0.0.1');
    await post('/call-downstream', '{}');
    assert.equal(forwardedToDownstream, '127.0.0.1');
  });

  test('when no request id is sent, then one is created, returned and passed downstream', async () => {
    const res = await post('/call-downstream', '{}');
    const id = res.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(seenByDownstream, id);
  });

  test('when the request id is unsafe, then it is replaced', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'a', count: 1 }), {
      'content-type': 'application/json',
      'x-request-id': '<script>',
    });
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('when a downstream service is unreachable, then 502 names it', async () => {
    const res = await post('/call-ghost', '{}');
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { error: true, message: 'ghost-service unreachable' });
  });

  test('when the dependencies answer, then /readyz is 200; when one fails, 503 names it', async () => {
    let res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { error: false, message: 'ready', data: { database: 'ok' } });
    failReadiness = true;
    res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), {
      error: true,
      message: 'not ready',
      data: { database: 'connection refused' },
    });
    failReadiness = false;
  });

  test('when requests were served, then /metrics counts them by route and status', async () => {
    await post('/echo', JSON.stringify({ name: 'a', count: 1 }));
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /http_requests_total\{method="POST",route="\/echo",status="202",service="demo"\} \d+/);
    assert.match(text, /http_request_duration_seconds_bucket\{/);
  });

  test('when /ping is called, then it answers pong', async () => {
    const res = await fetch(`${base}/ping`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { error: false, message: 'pong' });
  });
});

describe('request log lines', () => {
  test('when a route logs and the request is answered, then both lines carry the request id', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = createHttpApp({
      service: 'logged',
      logger: pino({ level: 'info' }, sink),
      routes: (app) =>
        app.get('/work', (_req, res) => {
          res.locals.logger.warn('from the route');
          sendOk(res, 'done');
        }),
    });
    const server = http.createServer(app);
    const port = await listen(server, 0, '127.0.0.1');
    try {
      await fetch(`http://127.0.0.1:${port}/work`, { headers: { 'x-request-id': 'req-logged-1' } });
      const answered = await waitFor(() => lines.find((line) => line.msg === 'request'));
      assert.equal(answered.requestId, 'req-logged-1');
      assert.equal(lines.find((line) => line.msg === 'from the route')?.requestId, 'req-logged-1');
    } finally {
      server.close();
    }
  });
});

describe("a service's HTTP table", () => {
  test('when routes let peer failures through, then each kind gets the status of the table given, the summary as message, and the detail only in the log', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const table = { unreachable: 503, timeout: 503, overloaded: 429, refused: 500, invalid: 422 };
    const app = createHttpApp({
      service: 'store-service',
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      failureStatus: table,
      readiness: {
        store: async () => {
          throw new PeerError('store', 'unreachable', DRIVER_TEXT, { summary: 'the store is away' });
        },
      },
      routes: (app) =>
        app.post('/fail/:kind', (req) => {
          throw new PeerError('store', req.params.kind as keyof typeof table, DRIVER_TEXT);
        }),
    });
    const server = http.createServer(app);
    const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    try {
      for (const [kind, status] of Object.entries(table)) {
        const res = await fetch(`${url}/fail/${kind}`, { method: 'POST', headers: { 'x-request-id': kind } });
        const text = await res.text();
        assert.deepEqual(
          { status: res.status, body: JSON.parse(text) },
          {
            status,
            body: { error: true, message: `store ${kind}` },
          },
        );
        assert.doesNotMatch(text, /ECONNREFUSED/);
        const logged = JSON.stringify(lines.filter((line) => line.requestId === kind));
        assert.match(
          logged,
          /ECONNREFUSED 172\.18\.0\.5:1025/,
          `the ${kind} detail is logged with the request id`,
        );
      }
      const ready = await fetch(`${url}/readyz`);
      assert.deepEqual(await ready.json(), {
        error: true,
        message: 'not ready',
        data: { store: 'the store is away' },
      });
    } finally {
      server.close();
    }
  });
});
