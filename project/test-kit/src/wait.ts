import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** Gives up after this long; every wait in a test is bounded. Default 10 s. */
  timeoutMs?: number;
  /** Pause between attempts. Default 50 ms. */
  intervalMs?: number;
  /** Says what was awaited, for the failure message (e.g. what a probe saw last). */
  describe?: () => string | Promise<string>;
}

/**
 * Polls `probe` until it returns a truthy value and resolves with that value; a condition the test
 * can observe, instead of a sleep that hopes it has become true.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (performance.now() >= deadline) {
      const what = options.describe ? `: ${await options.describe()}` : '';
      throw new Error(`condition not met within ${timeoutMs} ms${what}`);
    }
    await delay(intervalMs);
  }
}

/**
 * Runs `attempt` until it resolves and returns its value; while it throws, tries again until the
 * time is up, then throws the last error (e.g. "publish until RabbitMQ is back").
 */
export async function eventually<T>(attempt: () => Promise<T>, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (performance.now() >= deadline) {
        const what = options.describe ? ` (${await options.describe()})` : '';
        const last = error instanceof Error ? error.message : String(error);
        throw new Error(`still failing after ${timeoutMs} ms${what}: ${last}`, { cause: error });
      }
    }
    await delay(intervalMs);
  }
}
