import { clientAddressKey, sleep, tooManyRequests } from '@suite/toolbox';
import type { LimitStore } from '@suite/toolbox/limits';
import type { RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginPolicy {
  windowSeconds: number;
  /** Failed logins for one account from one address before that pair is refused (429). */
  failuresPerAccountAndAddress: number;
  /** Failed logins from one address, whatever the accounts, before that address is refused (429). */
  failuresPerAddress: number;
  /** Failed logins for one account from all addresses before each further attempt on it is delayed. */
  accountFailuresBeforeDelay: number;
}

/** Each failure past the account ceiling adds this much to the next attempt's wait, up to the cap. */
const ACCOUNT_DELAY_STEP_MS = 100;
export const ACCOUNT_DELAY_MAX_MS = 10_000;

/** One admitted login attempt; exactly one of its methods is called when the attempt is decided. */
export interface LoginAttempt {
  /** Wrong password, unknown or inactive account: counts against the pair, the address and the account. */
  failed(): Promise<void>;
  /** The password matched: counts nothing, and the pair's failures start again. */
  succeeded(): Promise<void>;
  /** Never decided (the database failed): counts nothing. */
  abandoned(): void;
}

export interface LoginThrottle {
  /**
   * Waits until the attempt may be checked, then returns it. Throws a 429 (Retry-After) when the
   * address, or this account from this address, has used up its failures.
   */
  admit(address: string, account: string): Promise<LoginAttempt>;
}

/** Attempts being checked from one address, so a burst cannot check more guesses than failures remain. */
interface AddressGate {
  inFlight: number;
  inFlightByAccount: Map<string, number>;
  /** Bumped whenever an attempt from this address is decided; a changed version means "read the counters again". */
  version: number;
  waiters: Set<() => void>;
}

/**
 * The login policy (README, "Login limits"): failures are counted per (account, address) and per
 * address, with a hard limit each, and per account with a much higher ceiling past which attempts
 * are delayed, never refused, so guesses from elsewhere never lock the owner out. IPv6 addresses
 * count by /64. Only decided failures count: while attempts are being checked, others from the
 * same address wait instead of being refused, as many run at once as failures remain, so a burst of
 * correct logins all succeed and a burst of guesses never checks more than the limit allows.
 *
 * The counters live in `store` (Redis in every deployment), so every replica reads and counts the
 * same failures; the gate on attempts in flight is this process's own. When the store does not
 * answer, no attempt is checked: the login is refused with the store's failure (503).
 */
export function createLoginThrottle(
  policy: LoginPolicy,
  store: Pick<LimitStore, 'counter'>,
  wait: (ms: number) => Promise<void> = sleep,
): LoginThrottle {
  const limiter = (name: string, points: number) => store.counter(name, points, policy.windowSeconds);
  const byPair = limiter('login-pair', policy.failuresPerAccountAndAddress);
  const byAddress = limiter('login-address', policy.failuresPerAddress);
  // Counted far past the ceiling, since the delay grows with the count.
  const byAccount = limiter('login-account', Number.MAX_SAFE_INTEGER);
  const gates = new Map<string, AddressGate>();

  const gateOf = (address: string): AddressGate => {
    let gate = gates.get(address);
    if (!gate) {
      gate = { inFlight: 0, inFlightByAccount: new Map(), version: 0, waiters: new Set() };
      gates.set(address, gate);
    }
    return gate;
  };

  const release = (address: string, account: string) => {
    const gate = gateOf(address);
    gate.inFlight--;
    const left = (gate.inFlightByAccount.get(account) ?? 1) - 1;
    if (left > 0) gate.inFlightByAccount.set(account, left);
    else gate.inFlightByAccount.delete(account);
    gate.version++;
    const waiters = [...gate.waiters];
    gate.waiters.clear();
    for (const wake of waiters) wake();
    if (gate.inFlight === 0 && gate.waiters.size === 0) gates.delete(address);
  };

  const used = (res: RateLimiterRes | null) => res?.consumedPoints ?? 0;

  return {
    async admit(clientAddress, account) {
      const address = clientAddressKey(clientAddress);
      const pair = JSON.stringify([account, address]);
      for (;;) {
        const seen = gateOf(address).version;
        let pairRes: RateLimiterRes | null;
        let addressRes: RateLimiterRes | null;
        try {
          [pairRes, addressRes] = await Promise.all([byPair.get(pair), byAddress.get(address)]);
        } catch (err) {
          const idle = gates.get(address);
          if (idle && idle.inFlight === 0 && idle.waiters.size === 0) gates.delete(address);
          throw err;
        }
        const gate = gateOf(address);
        if (gate.version !== seen) continue;
        const pairLeft = policy.failuresPerAccountAndAddress - used(pairRes);
        const addressLeft = policy.failuresPerAddress - used(addressRes);
        if (pairLeft <= 0 || addressLeft <= 0) {
          if (gate.inFlight === 0 && gate.waiters.size === 0) gates.delete(address);
          const exhausted = [pairLeft <= 0 ? pairRes : null, addressLeft <= 0 ? addressRes : null];
          const waitMs = Math.max(...exhausted.map((r) => r?.msBeforeNext ?? 0));
          const seconds = Math.max(1, Math.ceil(waitMs / 1000));
          throw tooManyRequests('too many failed login attempts; try again later', seconds, {
            retry_after_seconds: seconds,
          });
        }
        const accountInFlight = gate.inFlightByAccount.get(account) ?? 0;
        if (gate.inFlight < addressLeft && accountInFlight < pairLeft) {
          gate.inFlight++;
          gate.inFlightByAccount.set(account, accountInFlight + 1);
          break;
        }
        await new Promise<void>((resolve) => gate.waiters.add(resolve));
      }
      try {
        const accountFailures = used(await byAccount.get(account));
        const over = accountFailures - policy.accountFailuresBeforeDelay;
        if (over >= 0) await wait(Math.min(ACCOUNT_DELAY_MAX_MS, ACCOUNT_DELAY_STEP_MS * (over + 1)));
      } catch (err) {
        release(address, account);
        throw err;
      }
      let decided = false;
      const decide = async (work: () => Promise<unknown>) => {
        if (decided) return;
        decided = true;
        try {
          await work();
        } finally {
          release(address, account);
        }
      };
      return {
        failed: () =>
          decide(() =>
            Promise.all([byPair.penalty(pair), byAddress.penalty(address), byAccount.penalty(account)]),
          ),
        succeeded: () => decide(() => byPair.delete(pair)),
        abandoned: () => void decide(async () => {}),
      };
    },
  };
}
