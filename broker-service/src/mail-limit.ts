import { isPeerError } from '@suite/proto';
import {
  clientAddressKey,
  httpErrorOf,
  OWN_STORE_FAILURE_STATUS,
  type Registry,
  tooManyRequests,
} from '@suite/toolbox';
import type { LimitStore } from '@suite/toolbox/limits';
import { Counter } from 'prom-client';
import { RateLimiterRes } from 'rate-limiter-flexible';

export interface MailLimit {
  /**
   * Counts one mail for the client; throws a 429 with Retry-After once its minute's share is spent,
   * and a 503 while the limit store does not answer (no mail goes out uncounted).
   */
  take(clientAddress: string): Promise<void>;
}

/**
 * `MAIL_RATE_LIMIT` mails per minute per client address (IPv6 per /64), counted in `store` (Redis in
 * every deployment), so the limit holds whichever broker replica answers.
 */
export function createMailLimit(
  perMinute: number,
  store: Pick<LimitStore, 'counter'>,
  registry: Registry,
): MailLimit {
  const limiter = store.counter('mail', perMinute, 60);
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
        // The limit store is the broker's own, not a peer it forwards to: its outage is a 503.
        if (isPeerError(err)) throw httpErrorOf(err, OWN_STORE_FAILURE_STATUS);
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
