import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { createLogger, handleShutdown, listen } from '../../src/index.js';

describe('graceful shutdown', () => {
  test('when shutdown starts during a request, then the request completes, new connections are refused, and exit follows', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const server = http.createServer((_req, res) => {
      events.push('request started');
      release = () => {
        events.push('request finished');
        res.writeHead(202).end('done');
      };
    });
    const port = await listen(server, 0, '127.0.0.1');
    const { closeHttpServer } = await import('../../src/index.js');
    let exitCode: number | undefined;
    const shutdown = handleShutdown({
      logger: createLogger('shutdown-test', 'silent'),
      signals: [],
      steps: [
        ['http', () => closeHttpServer(server, 5000)],
        ['clients', async () => events.push('clients closed')],
      ],
      exit: (code) => {
        exitCode = code;
        events.push('exit');
      },
    });

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    while (!events.includes('request started')) await new Promise((r) => setTimeout(r, 10));
    const done = shutdown();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/new`), 'a new connection is refused while draining');
    assert.equal(exitCode, undefined, 'no exit while a request is in flight');

    release();
    const response = await inFlight;
    assert.equal(response.status, 202);
    assert.equal(await response.text(), 'done');
    await done;
    assert.deepEqual(events, ['request started', 'request finished', 'clients closed', 'exit']);
    assert.equal(exitCode, 0);
  });

  test('when a step hangs past the timeout, then the process exits with 1', async () => {
    let exitCode: number | undefined;
    const shutdown = handleShutdown({
      logger: createLogger('shutdown-test', 'silent'),
      signals: [],
      timeoutMs: 50,
      steps: [['stuck', () => new Promise(() => undefined)]],
      exit: (code) => {
        exitCode = code;
      },
    });
    void shutdown();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(exitCode, 1);
  });
});
