import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError, createLogger } from '@suite/toolbox';
import { createMemoryLimitStore } from '@suite/toolbox/limits';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { createLoginThrottle } from '../../src/auth/throttle.js';
import { databaseFailure } from '../../src/db/errors.js';
import type { PasswordHasher } from '../../src/users/passwords.js';
import type { StoredUser, UserStore } from '../../src/users/store.js';

const alice: StoredUser = {
  id: 1,
  email: 'alice@example.com',
  first_name: 'Alice',
  last_name: 'Liddell',
  active: true,
  admin: false,
  created_at: new Date(0),
  updated_at: new Date(0),
  passwordHash: 'hash:right',
};

function fakes(users: StoredUser[] = [alice], failing?: Error) {
  const calls: string[] = [];
  const store: UserStore = {
    findByEmail: async (email) => {
      if (failing) throw failing;
      return users.find((u) => u.email === email);
    },
    findById: async (id) => users.find((u) => u.id === id),
    insert: async () => undefined,
    setPasswordHash: async () => false,
    replacePasswordHash: async () => false,
    setAdmin: async () => false,
    hasAdmin: async () => false,
    list: async () => users,
  };
  const passwords: PasswordHasher = {
    hash: async (p) => `hash:${p}`,
    verify: async (p, h) => {
      calls.push('verify');
      return h === `hash:${p}`;
    },
    verifyAgainstNobody: async () => {
      calls.push('dummy');
      return false;
    },
    needsRehash: () => false,
  };
  const throttle = createLoginThrottle(
    {
      windowSeconds: 60,
      failuresPerAccountAndAddress: 2,
      failuresPerAddress: 100,
      accountFailuresBeforeDelay: 100,
    },
    createMemoryLimitStore(),
  );
  const authenticate = createAuthenticator({
    logger: createLogger('authenticator-test', 'silent'),
    users: store,
    passwords,
    throttle,
  });
  return { authenticate, calls };
}

describe('authenticator', () => {
  test('when the password matches, then the public user comes back without the hash', async () => {
    const { authenticate } = fakes();
    const user = await authenticate({ email: 'alice@example.com', password: 'right' }, '1.1.1.1');
    assert.equal('passwordHash' in user, false);
    assert.equal(user.email, 'alice@example.com');
  });

  test('when the email is unknown, then a dummy comparison still runs and the answer is 401', async () => {
    const { authenticate, calls } = fakes();
    await assert.rejects(authenticate({ email: 'bob@example.com', password: 'x' }, '1.1.1.1'), {
      status: 401,
    });
    assert.deepEqual(calls, ['dummy']);
  });

  test('when the user is inactive, then the right password gives 401', async () => {
    const { authenticate, calls } = fakes([{ ...alice, active: false }]);
    await assert.rejects(authenticate({ email: 'alice@example.com', password: 'right' }, '1.1.1.1'), {
      status: 401,
      message: 'invalid credentials',
    });
    assert.deepEqual(calls, ['verify']);
  });

  test('when failures from one address reach the limit, then its next attempt is refused before any comparison', async () => {
    const { authenticate, calls } = fakes();
    for (let i = 0; i < 2; i++) {
      await assert.rejects(authenticate({ email: 'alice@example.com', password: 'no' }, '1.1.1.1'), {
        status: 401,
      });
    }
    await assert.rejects(
      authenticate({ email: 'alice@example.com', password: 'right' }, '1.1.1.1'),
      (err) => err instanceof AppError && err.status === 429 && Number(err.headers['Retry-After']) > 0,
    );
    assert.equal(calls.length, 2);
  });

  test('when the database is down, then the outage propagates and is not counted as a failure', async () => {
    const { authenticate } = fakes([alice], databaseFailure('unreachable', new Error('connection refused')));
    for (let i = 0; i < 3; i++) {
      await assert.rejects(authenticate({ email: 'alice@example.com', password: 'right' }, '1.1.1.1'), {
        kind: 'unreachable',
        summary: 'user database unavailable',
      });
    }
  });
});
