import { retryDelayMs } from '@suite/proto/backoff';
import type { Logger } from 'pino';

export interface RetryOptions {
  /** Attempts after the first; Infinity retries until `signal` aborts. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Return false to give up at once (e.g. on bad credentials, which waiting will not fix). */
  shouldRetry?: (error: unknown) => boolean;
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 5, baseDelayMs = 200, maxDelayMs = 10_000, signal, onRetry, shouldRetry } = options;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= retries || (shouldRetry && !shouldRetry(error))) throw error;
      // Capped exponential backoff with jitter, so restarted replicas do not retry in lockstep.
      const delayMs = retryDelayMs(attempt + 1, baseDelayMs, maxDelayMs);
      onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Start-up helper: waits for a dependency, logging each failed attempt in one line. */
export function connectWithRetry<T>(
  dependency: string,
  connect: () => Promise<T>,
  logger: Logger,
  options: RetryOptions = {},
): Promise<T> {
  return retry(connect, {
    retries: 10,
    baseDelayMs: 250,
    maxDelayMs: 5000,
    ...options,
    onRetry: (error, attempt, delayMs) => {
      logger.warn(
        { dependency, attempt, delayMs, err: error instanceof Error ? error.message : String(error) },
        `waiting for ${dependency}`,
      );
      options.onRetry?.(error, attempt, delayMs);
    },
  });
}
