import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { capturingLogger, closedPort, eventually, uniqueName, waitFor } from '../../src/index.js';

describe('test kit', () => {
  test('when a test connects to closedPort(), then the connection is refused', async () => {
    const port = await closedPort();
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        reject(new Error(`port ${port} accepted a connection`));
      });
      socket.once('error', resolve);
    });
    assert.equal(error.code, 'ECONNREFUSED');
  });

  test('when the probe becomes truthy, then waitFor resolves with its value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), { intervalMs: 1 });
    assert.equal(value, 'after 3');
  });

  test('when the probe never becomes truthy, then waitFor fails saying what it waited for', async () => {
    await assert.rejects(
      waitFor(() => false, { timeoutMs: 30, intervalMs: 5, describe: () => 'the queue to drain' }),
      { message: 'condition not met within 30 ms: the queue to drain' },
    );
  });

  test('when an attempt fails before it succeeds, then eventually returns the first success', async () => {
    let calls = 0;
    const value = await eventually(
      async () => {
        if (++calls < 3) throw new Error(`not yet ${calls}`);
        return calls;
      },
      { intervalMs: 1 },
    );
    assert.equal(value, 3);
  });

  test('when every attempt fails, then eventually throws the last error', async () => {
    let calls = 0;
    await assert.rejects(
      eventually(
        async () => {
          throw new Error(`refused ${++calls}`);
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
      (err: Error) => {
        assert.match(err.message, /^still failing after 30 ms: refused \d+$/);
        assert.equal(err.message.endsWith(`refused ${calls}`), true);
        return true;
      },
    );
  });

  test('when names are made twice with one prefix, then they differ', () => {
    assert.match(uniqueName('logs'), /^logs_[0-9a-f]{10}$/);
    assert.notEqual(uniqueName('logs'), uniqueName('logs'));
  });

  test('when a capturing logger writes, then each line at or above its level is kept, parsed', () => {
    const { logger, lines } = capturingLogger('info');
    logger.debug('not kept');
    logger.warn({ requestId: 'r-1' }, 'kept');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'kept');
    assert.equal(lines[0]!.requestId, 'r-1');
  });
});
