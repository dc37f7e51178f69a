import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PeerError } from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import { createAdminRightCheck } from '../../src/admin/right-check.js';
import type { StoredSession } from '../../src/admin/session-store.js';
import type { AdminGrant } from '../../src/clients/auth.js';
import { FakeSessionStore } from '../support/fake-store.js';

const logger = createLogger('test', 'silent');
const GRANT: AdminGrant = { userId: 7, version: '2026-01-01T00:00:00.000Z' };

function setUp(answer: () => Promise<boolean>, intervalMs = 5000) {
  let clock = 1_000_000;
  const asked: AdminGrant[] = [];
  const store = new FakeSessionStore();
  const session: StoredSession = {
    id: 's1',
    user: 'admin@example.com',
    admin: true,
    csrf: 'c',
    createdAt: new Date(clock),
    seenAt: new Date(clock),
    expiresAt: new Date(clock + 60_000),
    grant: GRANT,
    rightCheckedAt: new Date(clock),
  };
  const check = createAdminRightCheck({
    auth: {
      holdsAdminRight: (grant) => {
        asked.push(grant);
        return answer();
      },
    },
    store,
    intervalMs,
    now: () => new Date(clock),
    logger,
  });
  return {
    check,
    session,
    store,
    asked,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('admin right check', () => {
  test('when the last confirmation is younger than the interval, then authentication-service is not asked', async () => {
    const { check, session, asked, advance } = setUp(async () => true, 5000);
    advance(4999);
    assert.equal(await check(session), 'held');
    assert.deepEqual(asked, []);
  });

  test('when the interval has passed and the right holds, then it is asked once and the confirmation is kept with the session', async () => {
    const { check, session, store, asked, advance } = setUp(async () => true, 5000);
    await store.create(session);
    advance(5000);
    assert.equal(await check(session), 'held');
    assert.deepEqual(asked, [GRANT]);
    assert.equal((await store.get('s1'))?.rightCheckedAt?.getTime(), session.createdAt.getTime() + 5000);
    advance(1000);
    assert.equal(await check(session), 'held');
    assert.equal(asked.length, 1, 'asked again before the interval had passed');
  });

  test('when the interval has passed and the right is gone, then the session is withdrawn', async () => {
    const { check, session, advance } = setUp(async () => false, 5000);
    advance(5000);
    assert.equal(await check(session), 'withdrawn');
  });

  test('when authentication-service cannot be asked, then the right is unconfirmed (refused for now, the session kept)', async () => {
    const { check, session, advance } = setUp(async () => {
      throw new PeerError('authentication-service', 'unreachable', 'connection refused');
    });
    advance(5000);
    assert.equal(await check(session), 'unconfirmed');
  });

  test('when a session carries no grant (opened before grants existed), then it cannot be confirmed and is withdrawn', async () => {
    const { check, session, asked } = setUp(async () => true);
    delete session.grant;
    delete session.rightCheckedAt;
    assert.equal(await check(session), 'withdrawn');
    assert.deepEqual(asked, []);
  });
});
