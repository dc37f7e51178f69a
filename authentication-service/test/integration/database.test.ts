import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { capturingLogger } from '@suite/test-kit';
import { ensureDatabaseExists } from '../../src/db/create-database.js';
import { createDatabase } from '../../src/db/database.js';
import { runMigrations } from '../../src/db/migrations.js';
import { createPasswordHasher } from '../../src/users/passwords.js';
import { seedAdmin } from '../../src/users/seed.js';
import { createSeedRecord } from '../../src/users/seed-record.js';
import { createUserStore } from '../../src/users/store.js';
import {
  adminQuery,
  dropDatabase,
  hashPassword,
  logger,
  type PostgresRelay,
  type RunningService,
  readBody,
  SEED,
  startPostgresRelay,
  startService,
  testDatabase,
} from './support.js';

describe('database lifecycle', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    service = await startService(database.url);
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when the service starts against a missing database, then it creates it with the schema', async () => {
    const rows = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
    assert.equal(rows.length, 1);
    const versions = await service.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      versions.map((v) => v.version),
      [1, 2, 3, 4],
    );
  });

  test('when migrations and database creation run again, even concurrently, then nothing changes', async () => {
    const results = await Promise.all([runMigrations(service.db, logger), runMigrations(service.db, logger)]);
    assert.deepEqual(results, [[], []]);
    await Promise.all([
      ensureDatabaseExists(database.url, logger),
      ensureDatabaseExists(database.url, logger),
    ]);
    const count = await service.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(count[0]!.n, 4);
  });

  test('when two emails differ only in case, then the second insert is refused', async () => {
    await assert.rejects(
      service.db.query(`INSERT INTO users (email, password) VALUES ('ADMIN@example.com', 'x')`),
      /users_email_lower_key/,
    );
  });

  test('when the seed runs again after the password changed, then the changed password stays', async () => {
    const users = createUserStore(service.db);
    assert.equal(await users.setPasswordHash(SEED.email, await hashPassword('changed-password')), true);
    const deps = {
      users,
      passwords: await createPasswordHasher(4),
      record: createSeedRecord(service.db),
      logger,
      localDevelopment: true,
    };
    assert.equal(await seedAdmin(deps, SEED), 'unchanged');
    const old = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(old.status, 401);
    const changed = await service.post('/authenticate', { email: SEED.email, password: 'changed-password' });
    assert.equal(changed.status, 202);
    await users.setPasswordHash(SEED.email, await hashPassword(SEED.password));
  });

  test('when a statement runs past STATEMENT_TIMEOUT_MS, then PostgreSQL cancels it and the caller gets a timeout', async () => {
    const slow = createDatabase({ url: database.url, logger, statementTimeoutMs: 300, max: 1 });
    try {
      assert.deepEqual(await slow.query('SHOW statement_timeout'), [{ statement_timeout: '300ms' }]);
      await assert.rejects(slow.query('SELECT pg_sleep(5)'), (err: Error) => {
        assert.equal((err as Error & { kind?: string }).kind, 'timeout');
        assert.equal((err as Error & { summary?: string }).summary, 'user database timed out');
        // 57014 is the server's statement timeout, not the client-side read timeout that backs it up.
        assert.equal((err.cause as { code?: string } | undefined)?.code, '57014');
        return true;
      });
    } finally {
      await slow.close();
    }
  });

  test('when PostgreSQL terminates every connection, then the next login succeeds without a restart', async () => {
    const warm = await Promise.all([
      service.post('/authenticate', { email: SEED.email, password: SEED.password }),
      service.post('/authenticate', { email: SEED.email, password: SEED.password }),
    ]);
    assert.deepEqual(
      warm.map((r) => r.status),
      [202, 202],
    );
    const killed = await adminQuery(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database.name],
    );
    assert.ok(killed.length > 0, 'expected the pool to hold connections to terminate');
    const res = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(res.status, 202);
    const ready = await fetch(`${service.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
  });
});

describe('a database made by the original suite', () => {
  const database = testDatabase();
  let service: RunningService | undefined;

  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when the service starts on it, then the users keep their passwords and the seed user becomes the administrator', async () => {
    // The original suite's schema: user_active as an integer, no admin column, its seed user present.
    await adminQuery(`CREATE DATABASE "${database.name}"`);
    await adminQuery(
      `CREATE TABLE users (
         id serial PRIMARY KEY, email varchar(255), first_name varchar(255), last_name varchar(255),
         password varchar(60), user_active integer DEFAULT 0, created_at timestamp, updated_at timestamp);
       INSERT INTO users (email, first_name, last_name, password, user_active, created_at, updated_at)
       VALUES ('admin@example.com', 'Admin', 'User', '${await hashPassword(SEED.password)}', 1, now(), now()),
              ('jane@example.com', 'Jane', 'Doe', '${await hashPassword('jane-password')}', 1, now(), now());`,
      [],
      database.name,
    );
    service = await startService(database.url);
    const seed = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(seed.status, 202);
    assert.equal((await readBody(seed)).data!.admin, true);
    const jane = await service.post('/authenticate', {
      email: 'jane@example.com',
      password: 'jane-password',
    });
    assert.equal(jane.status, 202);
    assert.equal((await readBody(jane)).data!.admin, false);
  });
});

describe('database outage', () => {
  const database = testDatabase();
  const captured = capturingLogger('info');
  let relay: PostgresRelay;
  let service: RunningService;

  before(async () => {
    relay = await startPostgresRelay();
    service = await startService(
      relay.through(database.url),
      { DB_CONNECT_TIMEOUT_MS: '500', STATEMENT_TIMEOUT_MS: '1000' },
      { logger: captured.logger },
    );
  });
  after(async () => {
    await service?.close();
    await relay?.close();
    await dropDatabase(database.name);
  });

  test('when the database goes away, then login answers 503 naming only the database and the kind, counts no failure, and recovers when it returns', async () => {
    await relay.cut();
    // More attempts than RATE_LIMIT_ACCOUNT_ADDRESS_FAILURES would allow if outages counted as failures.
    for (let i = 0; i < 12; i++) {
      const res = await service.post(
        '/authenticate',
        { email: SEED.email, password: SEED.password },
        { 'x-request-id': `outage-${i}` },
      );
      assert.equal(res.status, 503, 'an outage must not look like invalid credentials or a rate limit');
      assert.deepEqual(await readBody(res), { error: true, message: 'user database unavailable' });
    }
    // The driver's text (the relay's address, ECONNREFUSED) is in the log, with the request id.
    const logged = captured.lines.find((line) => line.requestId === 'outage-0' && line.level === 50);
    assert.ok(logged, 'the failed request was not logged with its id');
    assert.match(JSON.stringify(logged), /ECONNREFUSED|Connection terminated/);

    const ready = await fetch(`${service.baseUrl}/readyz`);
    assert.equal(ready.status, 503);
    const readyText = await ready.text();
    assert.match(readyText, /user database unavailable/);
    assert.doesNotMatch(readyText, /ECONNREFUSED|127\.0\.0\.1|terminated/);

    await relay.restore();
    const res = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(res.status, 202);
    assert.equal((await fetch(`${service.baseUrl}/readyz`)).status, 200);
  });
});
