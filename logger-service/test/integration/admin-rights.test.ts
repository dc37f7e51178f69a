import assert from 'node:assert/strict';
import http from 'node:http';
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

  before(async () => {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
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
  });
  after(async () => {
    await service?.close();
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
});
