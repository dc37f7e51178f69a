import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Suite, startSuite } from '@suite/launcher';
import { WebClient, waitFor } from '@suite/test-kit';
import pg from 'pg';

/** The seed user the authentication-service creates at start-up, an administrator. */
const ADMIN = { email: 'admin@example.com', password: 'verysecret' };
const ORDINARY = 'ordinary@example.com';
/** The logger confirms an admin session's right this often here (60 s by default). */
const RIGHT_CHECK_SECONDS = 1;
/** The user CLI as `npm run user -w authentication-service` starts it, built with the service. */
const USER_CLI = fileURLToPath(new URL('../../../authentication-service/dist/cli.js', import.meta.url));

/** Runs the user CLI against `databaseUrl`, with `stdin` as its input; resolves with what it printed. */
function runUserCli(databaseUrl: string, args: string[], stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [USER_CLI, ...args], {
      cwd: path.dirname(USER_CLI),
      // On the loopback address, as the suite runs here: a published password may stay on an administrator.
      env: { ...process.env, DATABASE_URL: databaseUrl, BCRYPT_COST: '4', BIND_HOST: '127.0.0.1' },
      timeout: 20_000,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`user CLI exited ${code}: ${output}`)),
    );
    child.stdin.end(stdin);
  });
}

/**
 * The logger admin UI's admin right, as the real authentication-service reports it: both services
 * as processes, the users in the run's own PostgreSQL database (dropped afterwards).
 */
describe('admin right, logger-service against the real authentication-service', () => {
  let suite: Suite;

  before(async () => {
    suite = await startSuite({
      services: ['authentication-service', 'logger-service'],
      env: { LOG_LEVEL: 'warn', ADMIN_RIGHT_CHECK_SECONDS: String(RIGHT_CHECK_SECONDS) },
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

  async function onUsers(sql: string, values: unknown[]) {
    const users = new pg.Client({ connectionString: suite.databaseUrl });
    await users.connect();
    try {
      await users.query(sql, values);
    } finally {
      await users.end();
    }
  }

  /** A fresh administrator (a copy of the seed user's row, same password), signed in. */
  async function adminSignedIn(email: string) {
    await onUsers(
      `INSERT INTO users (email, first_name, last_name, password, user_active, is_admin)
       SELECT $1, 'Other', 'Admin', password, true, true FROM users WHERE email = $2`,
      [email, ADMIN.email],
    );
    const { web, response } = await signIn(email);
    assert.equal(response.status, 303);
    assert.equal((await web.get('/admin/dashboard')).status, 200);
    return web;
  }

  /** The session ends within a few check intervals: the dashboard sends the same cookie to /login. */
  async function assertSessionEnds(web: WebClient) {
    await waitFor(async () => (await web.get('/admin/dashboard')).status === 302, {
      timeoutMs: 10 * RIGHT_CHECK_SECONDS * 1000,
      describe: () => 'the session still opens the dashboard',
    });
    const again = await web.get('/admin/dashboard');
    assert.equal(again.status, 302);
    assert.equal(again.headers.get('location'), '/login');
  }

  test('when revoke-admin runs for a signed-in administrator, then the session is refused within the check interval, and granting again does not revive it', async () => {
    const email = 'revoked-admin@example.com';
    const web = await adminSignedIn(email);
    assert.match(
      await runUserCli(suite.databaseUrl, ['revoke-admin', '--email', email]),
      /no longer an administrator/,
    );
    await assertSessionEnds(web);
    await runUserCli(suite.databaseUrl, ['grant-admin', '--email', email]);
    assert.equal((await web.get('/admin/dashboard')).status, 302);
  });

  test('when reset-password runs for a signed-in administrator, then the session is refused within the check interval', async () => {
    const email = 'reset-admin@example.com';
    const web = await adminSignedIn(email);
    await runUserCli(suite.databaseUrl, ['reset-password', '--email', email], 'a-brand-new-password\n');
    await assertSessionEnds(web);
  });

  test('when a signed-in administrator is deleted, then the session is refused within the check interval', async () => {
    const email = 'deleted-admin@example.com';
    const web = await adminSignedIn(email);
    await onUsers('DELETE FROM users WHERE email = $1', [email]);
    await assertSessionEnds(web);
  });

  test('when nothing changed, then the right is confirmed again and the session goes on', async () => {
    const web = await adminSignedIn('steady-admin@example.com');
    for (let check = 0; check < 3; check++) {
      await new Promise((resolve) => setTimeout(resolve, RIGHT_CHECK_SECONDS * 1000 + 100));
      assert.equal((await web.get('/admin/dashboard')).status, 200);
    }
  });
});
