import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUserStore } from '../../src/users/store.js';
import {
  dropDatabase,
  hashPassword,
  type RunningService,
  readBody,
  SEED,
  startService,
  testDatabase,
} from './support.js';

describe('POST /admin-check', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    service = await startService(database.url, { SEED_EMAIL: SEED.email, SEED_PASSWORD: SEED.password });
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  /** An administrator signs in; the grant is what the logger keeps from the answer. */
  async function signInAdmin(email: string): Promise<{ id: number; updated_at: string }> {
    const res = await service.post('/authenticate', { email, password: SEED.password });
    assert.equal(res.status, 202);
    const user = (await readBody(res)).data as { id: number; updated_at: string; admin: boolean };
    assert.equal(user.admin, true);
    return { id: user.id, updated_at: user.updated_at };
  }

  async function holds(grant: { id: number; updated_at: string }): Promise<boolean> {
    const res = await service.post('/admin-check', grant);
    assert.equal(res.status, 202);
    return (await readBody(res)).data?.admin === true;
  }

  async function newAdmin(email: string) {
    await createUserStore(service.db).insert({
      email,
      firstName: 'A',
      lastName: 'B',
      passwordHash: await hashPassword(SEED.password),
      active: true,
      admin: true,
    });
    return signInAdmin(email);
  }

  test('when the account is unchanged since sign-in, then the right holds; a wrong version or id does not', async () => {
    const grant = await signInAdmin(SEED.email);
    assert.equal(await holds(grant), true);
    assert.equal(await holds({ ...grant, updated_at: new Date(0).toISOString() }), false);
    assert.equal(await holds({ ...grant, id: grant.id + 1000 }), false);
  });

  test('when the right is revoked, then it no longer holds, not even once granted again', async () => {
    const grant = await newAdmin('revoked@example.com');
    const users = createUserStore(service.db);
    await users.setAdmin('revoked@example.com', false);
    assert.equal(await holds(grant), false);
    await users.setAdmin('revoked@example.com', true);
    assert.equal(await holds(grant), false, 'the old session stays ended');
    assert.equal(await holds(await signInAdmin('revoked@example.com')), true, 'a new sign-in holds');
  });

  test('when the password is reset, the account deactivated or deleted, then the right no longer holds', async () => {
    const users = createUserStore(service.db);
    const reset = await newAdmin('reset@example.com');
    await users.setPasswordHash('reset@example.com', await hashPassword('another-password'));
    assert.equal(await holds(reset), false);

    const deactivated = await newAdmin('deactivated@example.com');
    await service.db.query('UPDATE users SET user_active = false WHERE email = $1', [
      'deactivated@example.com',
    ]);
    assert.equal(await holds(deactivated), false);

    const deleted = await newAdmin('deleted@example.com');
    await service.db.query('DELETE FROM users WHERE email = $1', ['deleted@example.com']);
    assert.equal(await holds(deleted), false);
  });

  test('when the body is not a grant, then 400 names the fields', async () => {
    const res = await service.post('/admin-check', { id: 'one', updated_at: 5 });
    assert.equal(res.status, 400);
    assert.equal((await readBody(res)).message, 'id: must be a number; updated_at: must be a string');
  });
});
