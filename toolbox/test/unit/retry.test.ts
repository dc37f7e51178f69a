import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, retry } from '../../src/retry.js';

describe('retry', () => {
  test('when the delay grows, then it doubles per attempt, is capped, and keeps jitter within half the ceiling', () => {
    assert.equal(
      backoffDelay(0, 100, 1000, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, 100, 1000, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(10, 100, 1000, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(10, 100, 1000, () => 0),
      500,
    );
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
