import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LogInfoCall, PeerError } from '@suite/proto';
import { batchWrites } from '../../src/clients/batch-writes.js';

const call = (name: string): LogInfoCall => ({ entry: { name, data: 'd' }, ids: { eventId: name } });

describe('batched logger writes', () => {
  test('when writes arrive together, then they leave as one batch and each gets its own answer', async () => {
    const batches: string[][] = [];
    const batcher = batchWrites(
      (calls) => {
        batches.push(calls.map((c) => c.entry.name));
        return calls.map((c) =>
          c.entry.name === 'bad'
            ? Promise.reject(new PeerError('logger', 'invalid', 'event_id too long'))
            : Promise.resolve(`stored ${c.entry.name}`),
        );
      },
      { maxBatch: 100, waitMs: 5 },
    );
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((name) => batcher.add(call(name))));
    assert.deepEqual(batches, [['a', 'bad', 'c']]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });

  test('when more writes arrive than a batch holds, then they are split at the limit', async () => {
    const sizes: number[] = [];
    const batcher = batchWrites(
      (calls) => {
        sizes.push(calls.length);
        return calls.map(() => Promise.resolve('ok'));
      },
      { maxBatch: 100, waitMs: 5 },
    );
    await Promise.all(Array.from({ length: 250 }, (_, i) => batcher.add(call(`e${i}`))));
    assert.deepEqual(sizes, [100, 100, 50]);
  });
});
