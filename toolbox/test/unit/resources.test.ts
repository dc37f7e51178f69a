import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { capturingLogger } from '@suite/test-kit';
import { createResources } from '../../src/index.js';

describe('resources a composition root closes', () => {
  test('when closed, then the last opened is closed first and each once, however often close is called', async () => {
    const closed: string[] = [];
    const { logger } = capturingLogger();
    const resources = createResources(logger);
    const pool = resources.own('pool', { name: 'pool' }, (r) => closed.push(r.name));
    resources.own('client', { name: 'client' }, (r) => closed.push(r.name));
    resources.own('server', { name: 'server' }, async (r) => closed.push(r.name));
    assert.equal(pool.name, 'pool', 'own hands the resource back');

    await Promise.all([resources.close(), resources.close()]);
    await resources.close();

    assert.deepEqual(closed, ['server', 'client', 'pool']);
  });

  test('when a close fails, then the others still close, the failure is logged by name and close rejects with it', async () => {
    const closed: string[] = [];
    const { logger, lines } = capturingLogger();
    const resources = createResources(logger);
    resources.own('pool', 'pool', (r) => closed.push(r));
    resources.own('client', 'client', () => {
      throw new Error('socket already gone');
    });
    resources.own('server', 'server', (r) => closed.push(r));

    await assert.rejects(resources.close(), (err: Error) => {
      assert.equal(err.message, 'could not close client');
      assert.equal((err.cause as Error).message, 'socket already gone');
      return true;
    });
    assert.deepEqual(closed, ['server', 'pool']);
    assert.deepEqual(
      lines.filter((line) => line.msg === 'close failed').map((line) => line.resource),
      ['client'],
    );
  });
});
