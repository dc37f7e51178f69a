import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '@suite/toolbox';
import { createMemoryLimitStore } from '@suite/toolbox/limits';
import { ACCOUNT_DELAY_MAX_MS, createLoginThrottle, type LoginPolicy } from '../../src/auth/throttle.js';

const policy: LoginPolicy = {
  windowSeconds: 60,
  failuresPerAccountAndAddress: 3,
  failuresPerAddress: 5,
  accountFailuresBeforeDelay: 4,
};

function throttleWithClock() {
  const waits: number[] = [];
  const throttle = createLoginThrottle(policy, createMemoryLimitStore(), async (ms) => {
    waits.push(ms);
  });
  return { throttle, waits };
}

const fail = async (throttle: ReturnType<typeof createLoginThrottle>, address: string, account: string) =>
  (await throttle.admit(address, account)).failed();

const isTooMany = (err: unknown) => err instanceof AppError && err.status === 429;

describe('login throttle', () => {
  test('when an account passes its failure ceiling, then each further attempt waits longer, up to the cap, and is never refused', async () => {
    const { throttle, waits } = throttleWithClock();
    for (let i = 0; i < 4; i++) await fail(throttle, `10.0.0.${i}`, 'alice');
    assert.deepEqual(waits, [], 'no delay below the ceiling');
    for (let i = 4; i < 8; i++) await fail(throttle, `10.0.0.${i}`, 'alice');
    assert.deepEqual(waits, [100, 200, 300, 400]);
    const owner = await throttle.admit('192.0.2.1', 'alice');
    await owner.succeeded();
    assert.equal(waits.at(-1), 500);
    for (let i = 0; i < 200; i++) await fail(throttle, `10.1.${i >> 8}.${i & 255}`, 'alice');
    assert.equal(Math.max(...waits), ACCOUNT_DELAY_MAX_MS);
  });

  test('when more guesses arrive at once than failures remain, then only as many are checked and the rest refused', async () => {
    const { throttle } = throttleWithClock();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, async () => {
        const attempt = await throttle.admit('10.9.9.9', 'bob');
        await new Promise((resolve) => setImmediate(resolve));
        await attempt.failed();
      }),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || isTooMany(o.reason)));
  });

  test('when an attempt is abandoned (database down), then it counts nothing', async () => {
    const { throttle } = throttleWithClock();
    for (let i = 0; i < 10; i++) (await throttle.admit('10.8.8.8', 'carol')).abandoned();
    await fail(throttle, '10.8.8.8', 'carol');
  });

  test('when a login succeeds, then that pair counts again from zero but the address keeps its failures', async () => {
    const { throttle } = throttleWithClock();
    for (let i = 0; i < 2; i++) await fail(throttle, '10.7.7.7', 'dave');
    await (await throttle.admit('10.7.7.7', 'dave')).succeeded();
    for (let i = 0; i < 3; i++) await fail(throttle, '10.7.7.7', 'dave');
    // The address has now failed 5 times (its limit), so another account from it is refused too.
    await assert.rejects(throttle.admit('10.7.7.7', 'erin'), isTooMany);
  });
});
