import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { PEER_ERROR_KINDS, PeerError, type PeerErrorKind } from '@suite/proto/errors';
import { closeHttpServer, createLogger, createMetrics, listen, parseTrustedProxies } from '@suite/toolbox';
import { createMemoryLimitStore } from '@suite/toolbox/limits';
import { createApp } from '../../src/app.js';
import { createLoginThrottle } from '../../src/auth/throttle.js';
import type { Database } from '../../src/db/database.js';
import { asDatabaseFailure } from '../../src/db/errors.js';
import type { PasswordHasher } from '../../src/users/passwords.js';
import type { UserStore } from '../../src/users/store.js';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('user database failures', () => {
  test('when PostgreSQL fails, then each kind of outage is named and a wrong query is left as it is', () => {
    const cases: Array<[Error, PeerErrorKind | undefined, string | undefined]> = [
      [pgError('57014'), 'timeout', 'user database timed out'],
      [
        pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'),
        'unreachable',
        'user database unavailable',
      ],
      [pgError('53300'), 'overloaded', 'user database unavailable'],
      [pgError('28P01'), 'refused', 'user database unavailable'],
      [pgError('3D000'), 'refused', 'user database unavailable'],
      [pgError('42601'), undefined, undefined],
    ];
    for (const [err, kind, summary] of cases) {
      const failure = asDatabaseFailure(err);
      assert.deepEqual([failure?.kind, failure?.summary], [kind, summary], err.message);
      if (failure) assert.equal(failure.cause, err, 'the driver error is kept for the log');
    }
  });

  test('when the database fails with each kind, then /authenticate answers from the HTTP table with the summary only, never 401', async () => {
    const expected: Record<PeerErrorKind, number> = {
      unreachable: 503,
      timeout: 503,
      refused: 503,
      overloaded: 503,
      invalid: 400,
    };
    let kind: PeerErrorKind = 'unreachable';
    const users = {
      findByEmail: async () => {
        throw new PeerError('user database', kind, 'connect ECONNREFUSED 10.0.0.5:5432', {
          summary: `user database failed as ${kind}`,
        });
      },
    } as unknown as UserStore;
    const passwords = { verifyAgainstNobody: async () => false } as unknown as PasswordHasher;
    const app = createApp({
      logger: createLogger('authentication-service-test', 'silent'),
      metrics: createMetrics('authentication-service-test'),
      db: {} as Database,
      users,
      passwords,
      throttle: createLoginThrottle(
        {
          windowSeconds: 60,
          failuresPerAccountAndAddress: 5,
          failuresPerAddress: 50,
          accountFailuresBeforeDelay: 5,
        },
        createMemoryLimitStore(),
      ),
      trustedProxies: parseTrustedProxies(''),
    });
    const server = http.createServer(app);
    const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    try {
      for (kind of PEER_ERROR_KINDS) {
        const res = await fetch(`${url}/authenticate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'alice@example.com', password: 'right' }),
        });
        const text = await res.text();
        assert.equal(res.status, expected[kind], kind);
        assert.deepEqual(JSON.parse(text), { error: true, message: `user database failed as ${kind}` });
        assert.doesNotMatch(text, /ECONNREFUSED|10\.0\.0\.5/);
      }
    } finally {
      await closeHttpServer(server, 100);
    }
  });
});
