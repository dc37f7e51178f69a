import { unauthorized } from '@suite/toolbox';
import type { ActivityLog } from '../clients/activity-log.js';
import type { Credentials } from '../users/credentials.js';
import type { PasswordHasher } from '../users/passwords.js';
import type { PublicUser, UserStore } from '../users/store.js';
import type { LoginThrottle } from './throttle.js';

export interface AuthenticatorDeps {
  users: UserStore;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  activity: ActivityLog;
}

export type Authenticate = (credentials: Credentials, clientIp: string) => Promise<PublicUser>;

/**
 * Unknown email, wrong password and inactive account all fail the same way and, because a bcrypt
 * comparison runs in every case, take the same time: the answer does not reveal which accounts exist.
 */
export function createAuthenticator({
  users,
  passwords,
  throttle,
  activity,
}: AuthenticatorDeps): Authenticate {
  return async ({ email, password }, clientIp) => {
    try {
      await throttle.assertAllowed(clientIp, email);
    } catch (err) {
      activity.record(`failed login for ${email}`);
      throw err;
    }
    // A database failure propagates as 503 before any counter moves: an outage is not a bad password.
    const user = await users.findByEmail(email);
    const matches = user
      ? await passwords.verify(password, user.passwordHash)
      : await passwords.verifyAgainstNobody(password);
    if (!user || !matches || !user.active) {
      await throttle.recordFailure(clientIp, email);
      activity.record(`failed login for ${email}`);
      throw unauthorized('invalid credentials');
    }
    await throttle.recordSuccess(email);
    activity.record(`${user.email} logged in`);
    const { passwordHash: _hash, ...publicUser } = user;
    return publicUser;
  };
}
