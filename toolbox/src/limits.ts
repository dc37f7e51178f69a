import { retryDelayMs } from '@suite/proto/backoff';
import { PeerError } from '@suite/proto/errors';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/** The peer named in failures and logs: callers read "limit store (Redis) unreachable". */
export const LIMIT_STORE = 'limit store (Redis)';

/**
 * Where the counters of every limit live (login failures, mails per minute). In Redis they are shared
 * by every replica of a service, so a limit holds whichever replica answers; in memory (tests) they
 * are this process's own.
 */
export interface LimitStore {
  /**
   * A counter of `points` per `durationSeconds`, its keys under `<store prefix><name>:`. Its calls
   * reject with a PeerError (kind `unreachable` or `timeout`) when the store does not answer.
   */
  counter(name: string, points: number, durationSeconds: number): LimitCounter;
  /** Resolves when the store answers a PING; rejects with a PeerError otherwise. */
  ping(): Promise<void>;
  /**
   * Resolves true once connected, or false after `ms`: a service starts either way, and refuses
   * what needs a limit (503) until the store answers.
   */
  waitReady(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** One limit's counters, by key (an address, an account). */
export interface LimitCounter {
  /** Counts one; rejects with a RateLimiterRes (its `msBeforeNext`) once the key is over the limit. */
  consume(key: string): Promise<RateLimiterRes>;
  /** Counts one, never rejecting for the limit. */
  penalty(key: string): Promise<RateLimiterRes>;
  /** What the key has used in its window, or null when nothing. */
  get(key: string): Promise<RateLimiterRes | null>;
  /** Starts the key again from zero. */
  delete(key: string): Promise<boolean>;
}

export interface RedisLimitStoreOptions {
  /** `redis://[:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Put before every key, so several deployments or test runs can share one Redis. */
  keyPrefix: string;
  logger: Logger;
  /** Deadline of one command, and of connecting. */
  timeoutMs?: number;
}

/**
 * One long-lived Redis connection for a service's limits. It never queues a command while
 * disconnected (a login must not wait for Redis to come back): each fails at once as `unreachable`,
 * and the connection is re-made in the background with capped backoff.
 */
export function createRedisLimitStore(options: RedisLimitStoreOptions): LimitStore {
  const { url, keyPrefix, logger, timeoutMs = 1000 } = options;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (times) => retryDelayMs(times, 100, 2000),
  });
  // One line per outage, not one per reconnection attempt; the address stays in the log.
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { err: err.message, peer: LIMIT_STORE },
      'limit store unreachable; logins and mail are refused',
    );
  });
  client.on('ready', () => {
    if (down) logger.info({ peer: LIMIT_STORE }, 'limit store reachable again');
    down = false;
  });

  return {
    counter: (name, points, durationSeconds) =>
      counterOf(
        new RateLimiterRedis({
          storeClient: client,
          keyPrefix: `${keyPrefix}${name}`,
          points,
          duration: durationSeconds,
          // Fail at once while disconnected instead of waiting on the client.
          rejectIfRedisNotReady: true,
        }),
      ),
    async ping() {
      if (client.status !== 'ready') {
        throw new PeerError(LIMIT_STORE, 'unreachable', `connection is ${client.status}`);
      }
      await client.ping().catch((err: unknown) => {
        throw limitStoreFailure(err);
      });
    },
    waitReady: (ms) =>
      new Promise<boolean>((resolve) => {
        if (client.status === 'ready') return resolve(true);
        const done = (ready: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ready);
        };
        const onReady = () => done(true);
        const timer = setTimeout(done, ms, false);
        client.on('ready', onReady);
      }),
    async close() {
      client.disconnect();
    },
  };
}

/** Counters in this process's memory: for tests, and never shared by replicas. */
export function createMemoryLimitStore(): LimitStore {
  return {
    counter: (name, points, durationSeconds) =>
      counterOf(new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds })),
    async ping() {},
    waitReady: async () => true,
    async close() {},
  };
}

/**
 * A store's failure in the suite's vocabulary: a RateLimiterRes (over the limit) passes as it is;
 * anything else means the store did not answer, a `timeout` when its deadline passed, else `unreachable`.
 */
export function limitStoreFailure(err: unknown): unknown {
  if (err instanceof RateLimiterRes || err instanceof PeerError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const kind = /timed? ?out/i.test(text) ? 'timeout' : 'unreachable';
  return new PeerError(LIMIT_STORE, kind, text, { cause: err });
}

/** The limiter's four calls a limit uses, each store failure raised as `limitStoreFailure` says. */
function counterOf(
  limiter: Pick<RateLimiterAbstract, 'consume' | 'penalty' | 'get' | 'delete'>,
): LimitCounter {
  const guard = <T>(call: Promise<T>): Promise<T> =>
    call.catch((err: unknown) => {
      throw limitStoreFailure(err);
    });
  return {
    consume: (key) => guard(limiter.consume(key)),
    penalty: (key) => guard(limiter.penalty(key)),
    get: (key) => guard(limiter.get(key)),
    delete: (key) => guard(limiter.delete(key)),
  };
}
