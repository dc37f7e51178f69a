import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PeerError } from '@suite/proto/errors';
import { closedPort, waitFor } from '@suite/test-kit';
import { closeHttpServer, createHttpClient, listen } from '../../src/index.js';

describe('createHttpClient', { timeout: 20_000 }, () => {
  let server: http.Server;
  let base: string;
  const sockets = new Set<unknown>();
  const held: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('{}'), 1000);
        return;
      }
      if (req.url === '/hold') {
        // Never answered: the test's client gives up at its deadline, and after() cuts the connection.
        held.push(res);
        return;
      }
      res
        .writeHead(401, { 'content-type': 'application/json', 'Retry-After': '7' })
        .end('{"error":true,"message":"invalid credentials"}');
    });
    server.on('connection', (socket) => sockets.add(socket));
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  after(() => closeHttpServer(server, 100));

  test('when the peer answers 401, then the status, body and headers are returned as they are', async () => {
    const client = createHttpClient({ service: 'auth', baseURL: base });
    const answer = await client.post('/authenticate', { email: 'x' });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.data, { error: true, message: 'invalid credentials' });
    assert.equal(answer.headers['retry-after'], '7');
    client.close();
  });

  test('when a hundred calls are made one after another, then kept-alive connections carry them all', async () => {
    sockets.clear();
    const client = createHttpClient({ service: 'auth', baseURL: base });
    for (let i = 0; i < 100; i++) await client.post('/x', {});
    // The pool may open a second connection while the first finishes a response; dialing per call would open 100.
    assert.ok(sockets.size <= 2, `expected at most 2 connections for 100 calls, saw ${sockets.size}`);
    client.close();
  });

  test('when the only pooled connection is busy, then a queued call still times out at its own deadline', async () => {
    const deadlineMs = 500;
    const client = createHttpClient({
      service: 'slow-service',
      baseURL: base,
      timeoutMs: deadlineMs,
      maxSockets: 1,
    });
    held.length = 0;
    const first = client.get('/hold').catch((err: unknown) => err);
    await waitFor(() => held.length === 1);
    const started = performance.now();
    const second = client.get('/hold');
    await assert.rejects(second, (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.deepEqual([err.peer, err.kind], ['slow-service', 'timeout']);
      assert.equal(err.detail, `did not answer within ${deadlineMs} ms`);
      return true;
    });
    const elapsedMs = performance.now() - started;
    // Queued behind a call that uses its whole deadline, a timeout that starts only once the
    // connection is free fires after about two deadlines; ours fires after one.
    assert.ok(
      elapsedMs < deadlineMs * 1.5,
      `the queued call took ${Math.round(elapsedMs)} ms, deadline ${deadlineMs} ms`,
    );
    assert.equal(((await first) as PeerError).kind, 'timeout');
    client.close();
  });

  test('when the peer breaks the protocol, then the failure names the service and keeps the parser text for the log only', async () => {
    const connections = new Set<net.Socket>();
    const broken = net.createServer((socket) => {
      connections.add(socket);
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n'));
    });
    const port = await listen(broken, 0, '127.0.0.1');
    const client = createHttpClient({ service: 'odd-service', baseURL: `http://127.0.0.1:${port}` });
    try {
      await assert.rejects(client.get('/'), (err: unknown) => {
        assert.ok(err instanceof PeerError);
        assert.deepEqual(
          [err.peer, err.kind, err.summary],
          ['odd-service', 'unreachable', 'odd-service unreachable'],
        );
        assert.match(err.detail, /^request failed: .*Content-Length/);
        assert.match(String((err.cause as Error).message), /Content-Length/);
        return true;
      });
    } finally {
      client.close();
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  test('when nothing listens, then the failure is unreachable, naming the service, with the address for the log only', async () => {
    const port = await closedPort();
    const client = createHttpClient({ service: 'ghost-service', baseURL: `http://127.0.0.1:${port}` });
    await assert.rejects(client.post('/x', {}), (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.deepEqual(
        [err.peer, err.kind, err.summary],
        ['ghost-service', 'unreachable', 'ghost-service unreachable'],
      );
      assert.match(err.detail, new RegExp(`ECONNREFUSED.*127\\.0\\.0\\.1:${port}`));
      return true;
    });
    client.close();
  });

  test('when the peer is slower than the timeout, then the failure is a timeout naming the service', async () => {
    const client = createHttpClient({ service: 'slow-service', baseURL: base, timeoutMs: 100 });
    await assert.rejects(client.get('/slow'), (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.deepEqual([err.peer, err.kind], ['slow-service', 'timeout']);
      assert.equal(err.message, 'slow-service timeout: did not answer within 100 ms');
      return true;
    });
    client.close();
  });
});
