import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { readConfig as readAuthConfig } from '@suite/authentication-service/dist/config.js';
import { type AuthService, buildAuthService } from '@suite/authentication-service/dist/service.js';
import { uniqueName } from '@suite/test-kit';
import { closeHttpServer, createLogger, listen } from '@suite/toolbox';
import pg from 'pg';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

/** The real authentication-service on the shared PostgreSQL, in a database of its own. */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN = { email: 'admin@example.com', password: 'a-long-test-password' };
const ORDINARY = 'ordinary@example.com';
/** The user CLI as `npm run user` starts it, built with the service. */
const USER_CLI = createRequire(import.meta.url).resolve('@suite/authentication-service/dist/cli.js');

/** Runs the user CLI against `databaseUrl`, with `stdin` as its input; resolves with what it printed. */
function runUserCli(databaseUrl: string, args: string[], stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [USER_CLI, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, BCRYPT_COST: '4' },
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

async function onMaintenanceDb(sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

describe('admin right, against the real authentication-service', () => {
  const database = uniqueName('logger_admin_rights');
  let auth: AuthService;
  let authServer: http.Server;
  let mongo: TestMongo;
  let service: RunningService;
  /** The same logger on a clock the tests move, with the default interval for the admin right. */
  let clocked: RunningService;
  let clockMs = Date.now();
  const databaseUrl = (() => {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    return url.toString();
  })();

  before(async () => {
    const url = new URL(databaseUrl);
    auth = await buildAuthService(
      readAuthConfig({
        DATABASE_URL: url.toString(),
        SEED_EMAIL: ADMIN.email,
        SEED_PASSWORD: ADMIN.password,
        BCRYPT_COST: '4',
        DB_POOL_MAX: '2',
      }),
      { logger: createLogger('authentication-service-test', 'silent') },
    );
    // An ordinary user with the same password: a copy of the seed user's row without the admin right.
    await auth.db.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active, is_admin)
       SELECT $1, 'Ordinary', 'User', password, user_active, false FROM users WHERE email = $2`,
      [ORDINARY, ADMIN.email],
    );
    authServer = http.createServer(auth.app);
    const authPort = await listen(authServer, 0, '127.0.0.1');
    mongo = await startTestMongo();
    service = await startService(mongo, { env: { AUTH_SERVICE_URL: `http://127.0.0.1:${authPort}` } });
    clocked = await startService(mongo, {
      env: { AUTH_SERVICE_URL: `http://127.0.0.1:${authPort}` },
      now: () => new Date(clockMs),
    });
  });
  after(async () => {
    await service?.close();
    await clocked?.close();
    await mongo?.close();
    if (authServer) await closeHttpServer(authServer, 500);
    await auth?.close();
    await onMaintenanceDb(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    await onMaintenanceDb(`DROP DATABASE IF EXISTS "${database}"`);
  });

  async function signIn(email: string) {
    const web = service.web();
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

  /** A fresh administrator (a copy of the seed user's row, same password) signed in on the clocked logger. */
  async function adminSignedIn(email: string) {
    await auth.db.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active, is_admin)
       SELECT $1, 'Other', 'Admin', password, true, true FROM users WHERE email = $2`,
      [email, ADMIN.email],
    );
    const web = clocked.web();
    const { response } = await web.signIn(email, ADMIN.password);
    assert.equal(response.status, 303);
    assert.equal((await web.get('/admin/dashboard')).status, 200);
    return web;
  }

  /** Moves the clock by `seconds` and asks for the dashboard; 302 to /login means the session ended. */
  async function dashboardAfter(web: ReturnType<RunningService['web']>, seconds: number) {
    clockMs += seconds * 1000;
    return web.get('/admin/dashboard');
  }

  async function assertEndedWithin60s(web: ReturnType<RunningService['web']>) {
    const response = await dashboardAfter(web, 60);
    assert.equal(response.status, 302, 'the session still opens the dashboard 60 s later');
    assert.equal(response.headers.get('location'), '/login');
    // Ended on the server too: the same cookie, checked again, is worth nothing.
    assert.equal((await web.get('/admin/dashboard')).status, 302);
  }

  test('when revoke-admin runs for a signed-in administrator, then the session is refused within 60 s', async () => {
    const email = 'revoked-admin@example.com';
    const web = await adminSignedIn(email);
    assert.match(
      await runUserCli(databaseUrl, ['revoke-admin', '--email', email]),
      /no longer an administrator/,
    );
    // Checked at most once a minute: within that minute the page may still open, never after it.
    assert.equal((await dashboardAfter(web, 30)).status, 200);
    await assertEndedWithin60s(web);
    await runUserCli(databaseUrl, ['grant-admin', '--email', email]);
    assert.equal((await dashboardAfter(web, 0)).status, 302, 'granting the right again does not revive it');
  });

  test('when reset-password runs for a signed-in administrator, then the session is refused within 60 s', async () => {
    const email = 'reset-admin@example.com';
    const web = await adminSignedIn(email);
    await runUserCli(databaseUrl, ['reset-password', '--email', email], 'a-brand-new-password\n');
    await assertEndedWithin60s(web);
  });

  test('when a signed-in administrator is deleted, then the session is refused within 60 s', async () => {
    const email = 'deleted-admin@example.com';
    const web = await adminSignedIn(email);
    await auth.db.query('DELETE FROM users WHERE email = $1', [email]);
    await assertEndedWithin60s(web);
  });

  test('when nothing changed, then the right is confirmed again and the session goes on', async () => {
    const web = await adminSignedIn('steady-admin@example.com');
    for (let minute = 0; minute < 3; minute++) assert.equal((await dashboardAfter(web, 61)).status, 200);
  });
});
