import { clientAddressKey, type Registry, tooManyRequests } from '@suite/toolbox';
import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface MailLimit {
  /** Counts one mail for the client; throws a 429 with Retry-After once its minute's share is spent. */
  take(clientAddress: string): Promise<void>;
}

/**
 * `MAIL_RATE_LIMIT` mails per minute per client address (IPv6 per /64), in this process's memory:
 * with N broker replicas a client gets at most N times the limit.
 */
export function createMailLimit(perMinute: number, registry: Registry): MailLimit {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  const refused = new Counter({
    name: 'broker_mail_rate_limited_total',
    help: 'Mail requests refused with 429 because the client sent MAIL_RATE_LIMIT mails within a minute',
    registers: [registry],
  });
  return {
    async take(clientAddress) {
      try {
        await limiter.consume(clientAddressKey(clientAddress));
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        refused.inc();
        const seconds = Math.ceil(err.msBeforeNext / 1000);
        throw tooManyRequests(
          `too many mails from this address (${perMinute} a minute); try again in ${seconds} s`,
          seconds,
        );
      }
    },
  };
}
