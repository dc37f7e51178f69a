import { tooManyRequests } from '@suite/toolbox';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  windowSeconds: number;
  failuresPerEmail: number;
  failuresPerIp: number;
}

export interface LoginThrottle {
  /**
   * Counts the attempt as a failure before the password is checked, so a burst of parallel guesses
   * cannot all pass the check before the first is counted. Throws a 429 AppError (counting
   * nothing) while the client or the account has used up its failures.
   */
  reserve(ip: string, email: string): Promise<void>;
  /** The password matched: the account's counter starts again and the client gets its point back. */
  recordSuccess(ip: string, email: string): Promise<void>;
  /** The attempt was never decided (the database failed): both points go back. */
  release(ip: string, email: string): Promise<void>;
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
  const giveBack = async (ip: string, email: string) => {
    await Promise.all([byIp.reward(ip, 1), byEmail.reward(email, 1)]);
  };

  return {
    async reserve(ip, email) {
      const results = await Promise.allSettled([byIp.consume(ip), byEmail.consume(email)]);
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (refused.length === 0) return;
      await giveBack(ip, email);
      const waitMs = Math.max(...refused.map((r) => (r instanceof RateLimiterRes ? r.msBeforeNext : 1000)));
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw tooManyRequests('too many failed login attempts; try again later', seconds, {
        retry_after_seconds: seconds,
      });
    },
    async recordSuccess(ip, email) {
      await Promise.all([byIp.reward(ip, 1), byEmail.delete(email)]);
    },
    release: giveBack,
  };
}
