import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retry } from '../../src/retry.js';

describe('retry', () => {
  test('when a call is retried, then each delay follows the shared backoff: doubling from the base, capped, with jitter', async () => {
    const delays: number[] = [];
    await assert.rejects(
      retry(
        async () => {
          throw new Error('down');
        },
        {
          retries: 4,
          baseDelayMs: 2,
          maxDelayMs: 8,
          onRetry: (_e, _attempt, delayMs) => delays.push(delayMs),
        },
      ),
    );
    // Ceilings 2, 4, 8 and 8 (capped); equal jitter keeps each delay within its upper half.
    const ceilings = [2, 4, 8, 8];
    assert.equal(delays.length, ceilings.length);
    delays.forEach((delay, i) => {
      assert.ok(delay >= ceilings[i]! / 2 && delay <= ceilings[i]!, `retry ${i + 1} waited ${delay} ms`);
    });
  });

  test('when a call fails twice then succeeds, then retry returns its value after two retries', async () => {
    const seen: number[] = [];
    const value = await retry(
      async (attempt) => {
        if (attempt < 2) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { retries: 5, baseDelayMs: 1, onRetry: (_e, attempt) => seen.push(attempt) },
    );
    assert.equal(value, 'ok');
    assert.deepEqual(seen, [1, 2]);
  });

  test('when every attempt fails, then the last error is thrown after the allowed retries', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
        { retries: 2, baseDelayMs: 1 },
      ),
      /boom 3/,
    );
    assert.equal(calls, 3);
  });

  test('when shouldRetry says no, then retry gives up at once', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error('bad credentials');
        },
        { retries: 5, baseDelayMs: 1, shouldRetry: () => false },
      ),
    );
    assert.equal(calls, 1);
  });
});
