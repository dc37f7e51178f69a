import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Suite, startSuite } from '@suite/launcher';
import { WebClient } from '@suite/test-kit';
import pg from 'pg';

/** The seed user the authentication-service creates at start-up, an administrator. */
const ADMIN = { email: 'admin@example.com', password: 'verysecret' };
const ORDINARY = 'ordinary@example.com';

/**
 * The logger admin UI's admin right, as the real authentication-service reports it: both services
 * as processes, the users in the run's own PostgreSQL database (dropped afterwards).
 */
describe('admin right, logger-service against the real authentication-service', () => {
  let suite: Suite;

  before(async () => {
    suite = await startSuite({
      services: ['authentication-service', 'logger-service'],
      env: { LOG_LEVEL: 'warn' },
    });
    // An ordinary user with the same password: a copy of the seed user's row without the admin right.
    const users = new pg.Client({ connectionString: suite.databaseUrl });
    await users.connect();
    try {
      await users.query(
        `INSERT INTO users (email, first_name, last_name, password, user_active, is_admin)
         SELECT $1, 'Ordinary', 'User', password, user_active, false FROM users WHERE email = $2`,
        [ORDINARY, ADMIN.email],
      );
    } finally {
      await users.end();
    }
  });
  after(() => suite?.stop());

  async function signIn(email: string) {
    const web = new WebClient(suite.urls.logger);
    const { response } = await web.signIn(email, ADMIN.password);
    return { web, response };
  }

  test('when an administrator signs in, then the dashboard opens', async () => {
    const { web, response } = await signIn(ADMIN.email);
    assert.equal(response.status, 303);
    assert.equal((await web.get('/admin/dashboard')).status, 200);
  });

  test('when an ordinary user signs in with the right password, then a 403 "not an administrator" page and no session', async () => {
    const { web, response } = await signIn(ORDINARY);
    assert.equal(response.status, 403);
    assert.match(response.body, /Not an administrator/);
    assert.equal(web.cookie('logger_admin'), undefined, 'a session cookie was set');
    const dashboard = await web.get('/admin/dashboard');
    assert.equal(dashboard.status, 302);
    assert.equal(dashboard.headers.get('location'), '/login');
  });
});
