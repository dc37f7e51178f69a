import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { waitFor } from '@suite/test-kit';
import { closeHttpServer, createLogger, handleShutdown, listen } from '../../src/index.js';

const logger = createLogger('shutdown-test', 'silent');

describe('graceful shutdown', { timeout: 20_000 }, () => {
  test('when shutdown starts during a request, then the request completes, new connections are refused, and exit follows', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    let requestStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      requestStarted = resolve;
    });
    const server = http.createServer((_req, res) => {
      events.push('request started');
      release = () => {
        events.push('request finished');
        res.writeHead(202).end('done');
      };
      requestStarted();
    });
    const port = await listen(server, 0, '127.0.0.1');
    let exitCode: number | undefined;
    const shutdown = handleShutdown({
      logger,
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
    await started;
    const done = shutdown();
    await waitFor(() => !server.listening, {
      timeoutMs: 5000,
      describe: () => 'the server to stop listening',
    });
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
    let stepsAfterTheStuckOne = 0;
    const exited = new Promise<number>((resolve) => {
      const shutdown = handleShutdown({
        logger,
        signals: [],
        timeoutMs: 50,
        steps: [
          ['stuck', () => new Promise(() => undefined)],
          ['never reached', async () => stepsAfterTheStuckOne++],
        ],
        exit: resolve,
      });
      void shutdown();
    });
    assert.equal(await exited, 1);
    assert.equal(stepsAfterTheStuckOne, 0);
  });
});
