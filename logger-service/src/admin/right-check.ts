import type { Logger } from '@suite/toolbox';
import type { AuthClient } from '../clients/auth.js';
import type { SessionStore, StoredSession } from './session-store.js';

/**
 * `held`: authentication-service confirmed the right within the interval; `withdrawn`: it says the
 * account no longer holds it as at sign-in (revoked, password reset, deleted, deactivated);
 * `unconfirmed`: it could not be asked, so the page is refused for now but the session kept.
 */
export type RightStatus = 'held' | 'withdrawn' | 'unconfirmed';

export type CheckAdminRight = (session: StoredSession) => Promise<RightStatus>;

export interface AdminRightCheckOptions {
  auth: Pick<AuthClient, 'holdsAdminRight'>;
  store: Pick<SessionStore, 'update'>;
  /** Longest time a confirmation stands; a revocation ends the session within it. */
  intervalMs: number;
  now: () => Date;
  logger: Logger;
}

/**
 * The admin right is checked at sign-in and then again with authentication-service at most once per
 * interval and session (the time of the last confirmation is kept with the session, so every
 * replica shares it), so taking the right away ends its sessions within the interval.
 */
export function createAdminRightCheck(options: AdminRightCheckOptions): CheckAdminRight {
  const { auth, store, intervalMs, now, logger } = options;
  return async (session) => {
    const at = now();
    const checkedAt = session.rightCheckedAt?.getTime();
    if (checkedAt !== undefined && at.getTime() - checkedAt < intervalMs) return 'held';
    // A session without a grant (opened before grants existed) cannot be confirmed: it ends.
    if (!session.grant) return 'withdrawn';
    let holds: boolean;
    try {
      holds = await auth.holdsAdminRight(session.grant);
    } catch (err) {
      logger.warn(
        { err, user: session.user },
        'could not confirm the admin right with authentication-service',
      );
      return 'unconfirmed';
    }
    if (!holds) {
      logger.info({ user: session.user }, 'admin session ended: the account changed or lost the admin right');
      return 'withdrawn';
    }
    await store.update(session.id, { rightCheckedAt: at });
    session.rightCheckedAt = at;
    return 'held';
  };
}
