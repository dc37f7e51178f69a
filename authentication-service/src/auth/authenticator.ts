import { unauthorized } from '@suite/toolbox';
import type { Credentials } from '../users/credentials.js';
import type { PasswordHasher } from '../users/passwords.js';
import type { PublicUser, StoredUser, UserStore } from '../users/store.js';
import type { LoginThrottle } from './throttle.js';

export interface AuthenticatorDeps {
  users: UserStore;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
}

export type Authenticate = (credentials: Credentials, clientIp: string) => Promise<PublicUser>;

/**
 * Unknown email, wrong password and inactive account all fail the same way and, because a bcrypt
 * comparison runs in every case, take the same time: the answer does not reveal which accounts exist.
 */
export function createAuthenticator({ users, passwords, throttle }: AuthenticatorDeps): Authenticate {
  return async ({ email, password }, clientIp) => {
    await throttle.reserve(clientIp, email);
    let user: StoredUser | undefined;
    let matches: boolean;
    try {
      user = await users.findByEmail(email);
      matches = user
        ? await passwords.verify(password, user.passwordHash)
        : await passwords.verifyAgainstNobody(password);
    } catch (err) {
      // An outage (503) is not a bad password, so it must not count towards the limits.
      await throttle.release(clientIp, email);
      throw err;
    }
    if (!user || !matches || !user.active) {
      throw unauthorized('invalid credentials');
    }
    await throttle.recordSuccess(clientIp, email);
    const { passwordHash: _hash, ...publicUser } = user;
    return publicUser;
  };
}
