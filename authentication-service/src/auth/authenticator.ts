import { type Logger, unauthorized } from '@suite/toolbox';
import type { Credentials } from '../users/credentials.js';
import type { PasswordHasher } from '../users/passwords.js';
import type { PublicUser, StoredUser, UserStore } from '../users/store.js';
import type { LoginThrottle } from './throttle.js';

export interface AuthenticatorDeps {
  logger: Logger;
  users: UserStore;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
}

/** `clientAddress` is the caller as resolved from trusted proxies (the toolbox's client address). */
export type Authenticate = (credentials: Credentials, clientAddress: string) => Promise<PublicUser>;

/**
 * Unknown email, wrong password and inactive account all fail the same way and, because a bcrypt
 * comparison runs in every case, take the same time: the answer does not reveal which accounts exist.
 */
export function createAuthenticator({ logger, users, passwords, throttle }: AuthenticatorDeps): Authenticate {
  /**
   * Brings a hash made at another cost or variant (e.g. by the original suite, at cost 12) to the
   * configured one while the password is at hand. Best effort: the login has succeeded either way.
   */
  const rehashIfNeeded = async (user: StoredUser, password: string) => {
    if (!passwords.needsRehash(user.passwordHash)) return;
    try {
      await users.replacePasswordHash(user.id, user.passwordHash, await passwords.hash(password));
    } catch (err) {
      logger.warn({ err, userId: user.id }, 'could not re-hash the password at the configured cost');
    }
  };

  return async ({ email, password }, clientAddress) => {
    const attempt = await throttle.admit(clientAddress, email);
    let user: StoredUser | undefined;
    let matches: boolean;
    try {
      user = await users.findByEmail(email);
      matches = user
        ? await passwords.verify(password, user.passwordHash)
        : await passwords.verifyAgainstNobody(password);
    } catch (err) {
      // An outage (503) is not a bad password, so it must not count towards the limits.
      attempt.abandoned();
      throw err;
    }
    if (!user || !matches || !user.active) {
      await attempt.failed();
      throw unauthorized('invalid credentials');
    }
    await attempt.succeeded();
    await rehashIfNeeded(user, password);
    const { passwordHash: _hash, ...publicUser } = user;
    return publicUser;
  };
}
