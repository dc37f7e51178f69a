import { AppError } from '@suite/toolbox';
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  windowSeconds: number;
  failuresPerEmail: number;
  failuresPerIp: number;
}

export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too many failed login attempts; try again later', 'too_many_requests', {
      data: { retry_after_seconds: retryAfterSeconds },
    });
  }
}

export interface LoginThrottle {
  /** Throws TooManyAttemptsError while the client or the account has used up its failures. */
  assertAllowed(ip: string, email: string): Promise<void>;
  recordFailure(ip: string, email: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

/**
 * Counts failed logins per client address and per account in memory. Only failures count, so a
 * user who types the right password is never slowed down; the account counter keeps a
 * distributed guesser (many addresses, one account) in check.
 */
export function createLoginThrottle(limits: ThrottleLimits): LoginThrottle {
  const byEmail = new RateLimiterMemory({
    keyPrefix: 'email',
    points: limits.failuresPerEmail,
    duration: limits.windowSeconds,
  });
  const byIp = new RateLimiterMemory({
    keyPrefix: 'ip',
    points: limits.failuresPerIp,
    duration: limits.windowSeconds,
  });

  const blockedFor = async (limiter: RateLimiterMemory, key: string, points: number): Promise<number> => {
    const state = await limiter.get(key);
    return state && state.consumedPoints >= points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  };
  // A rejected consume only means the limit is now reached; assertAllowed reports it on the next try.
  const consume = (limiter: RateLimiterMemory, key: string) =>
    limiter.consume(key).then(
      () => undefined,
      () => undefined,
    );

  return {
    async assertAllowed(ip, email) {
      const wait = Math.max(
        await blockedFor(byIp, ip, limits.failuresPerIp),
        await blockedFor(byEmail, email, limits.failuresPerEmail),
      );
      if (wait > 0) throw new TooManyAttemptsError(wait);
    },
    async recordFailure(ip, email) {
      await Promise.all([consume(byIp, ip), consume(byEmail, email)]);
    },
    async recordSuccess(email) {
      await byEmail.delete(email);
    },
  };
}
