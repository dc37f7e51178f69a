import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { uniqueName } from '@suite/test-kit';
import pg from 'pg';
import { DEMO_USER } from '../../src/users/public-credentials.js';
import { ADMIN_URL, adminQuery, dropDatabase, startService, testDatabase } from './support.js';

/** The init step Swarm and Kubernetes run in the postgres container (project/k8s/initdb). */
const SCRIPT = fileURLToPath(new URL('../../../project/k8s/initdb/postgres-auth-role.sh', import.meta.url));

interface RoleAndDatabase {
  role: string;
  database: string;
  /** The connection URL authentication-service gets, as that role. */
  url: string;
}

/** Runs the init script against the test server as its superuser, as the postgres image would. */
async function runInitScript(role: string, database: string): Promise<RoleAndDatabase> {
  const admin = new URL(ADMIN_URL);
  const password = randomBytes(24).toString('hex');
  await promisify(execFile)('bash', [SCRIPT], {
    env: {
      PATH: process.env.PATH,
      PGHOST: admin.hostname,
      PGPORT: admin.port || '5432',
      ...(admin.password ? { PGPASSWORD: decodeURIComponent(admin.password) } : {}),
      POSTGRES_USER: decodeURIComponent(admin.username) || 'postgres',
      AUTH_DB_USER: role,
      AUTH_DB_PASSWORD: password,
      AUTH_DB_NAME: database,
    },
    timeout: 30_000,
  });
  const url = new URL(ADMIN_URL);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return { role, database, url: url.toString() };
}

/** Runs `sql` as the role on `database`; resolves to the error code PostgreSQL answered, if any. */
async function asRole(
  target: RoleAndDatabase,
  sql: string,
  database = target.database,
): Promise<string | undefined> {
  const url = new URL(target.url);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end();
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

describe('the PostgreSQL role the deployments make for authentication-service', () => {
  const made: RoleAndDatabase[] = [];
  let fresh: RoleAndDatabase;

  before(async () => {
    fresh = await runInitScript(uniqueName('auth_role'), testDatabase().name);
    made.push(fresh);
  });
  after(async () => {
    for (const { role, database } of made) {
      await dropDatabase(database);
      await adminQuery(`DROP ROLE IF EXISTS "${role}"`);
    }
  });

  test('when the service runs as that role, then it migrates, seeds, signs the demo user in and owns every table', async () => {
    const service = await startService(fresh.url, { BCRYPT_COST: '4' });
    try {
      const res = await service.post('/authenticate', {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      });
      assert.equal(res.status, 202);
    } finally {
      await service.close();
    }
    const owners = await adminQuery<{ tableowner: string }>(
      "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
      [],
      fresh.database,
    );
    assert.deepEqual(
      owners.map((o) => o.tableowner),
      [fresh.role],
    );
  });

  test('when its attributes are read, then it owns its database and holds no other right', async () => {
    const [role] = await adminQuery(
      `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin
         FROM pg_roles WHERE rolname = $1`,
      [fresh.role],
    );
    assert.deepEqual(role, {
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
      rolbypassrls: false,
      rolcanlogin: true,
    });
    const [database] = await adminQuery<{ owner: string; acl: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner, datacl::text AS acl FROM pg_database WHERE datname = $1',
      [fresh.database],
    );
    assert.equal(database!.owner, fresh.role);
    // No list means the defaults, which let PUBLIC connect; an entry "=..." is PUBLIC's.
    assert.ok(database!.acl, 'the database keeps the default privileges: every role may connect');
    assert.doesNotMatch(database!.acl, /[{,]=/, database!.acl);
  });

  test('when it tries more than its own database, then PostgreSQL refuses', async () => {
    assert.equal(await asRole(fresh, `CREATE DATABASE "${fresh.database}_more"`), INSUFFICIENT_PRIVILEGE);
    assert.equal(await asRole(fresh, `CREATE ROLE "${fresh.role}_more"`), INSUFFICIENT_PRIVILEGE);
    assert.equal(
      await asRole(fresh, 'CREATE TABLE public.not_yours (id int)', 'postgres'),
      INSUFFICIENT_PRIVILEGE,
    );
    assert.equal(await asRole(fresh, 'CREATE TABLE mine (id int)'), undefined, 'its own database is its own');
  });

  test('when the database and its tables were made by the superuser before, then the script hands them to the role', async () => {
    const database = testDatabase().name;
    await adminQuery(`CREATE DATABASE "${database}"`);
    await adminQuery('CREATE TABLE users (id int PRIMARY KEY, email text)', [], database);
    const upgraded = await runInitScript(uniqueName('auth_role'), database);
    made.push(upgraded);
    const owners = await adminQuery<{ tableowner: string }>(
      "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'",
      [],
      database,
    );
    assert.deepEqual(
      owners.map((o) => o.tableowner),
      [upgraded.role],
    );
    // Run again (the documented step, repeated): nothing fails and nothing changes.
    await runInitScript(upgraded.role, database);
    assert.equal(await asRole(upgraded, 'INSERT INTO users VALUES (1, $$a@example.com$$)'), undefined);
  });
});
