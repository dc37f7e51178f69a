import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createMetrics } from '@suite/toolbox';
import { createApp } from '../../src/app.js';
import { createLoginThrottle } from '../../src/auth/throttle.js';
import { ensureDatabaseExists } from '../../src/db/create-database.js';
import { createDatabase } from '../../src/db/database.js';
import { runMigrations } from '../../src/db/migrations.js';
import { createPasswordHasher } from '../../src/users/passwords.js';
import { seedUser } from '../../src/users/seed.js';
import { createUserStore } from '../../src/users/store.js';
import {
  adminQuery,
  dropDatabase,
  logger,
  type RunningService,
  readBody,
  SEED,
  startService,
  testDatabase,
} from './support.js';

describe('database lifecycle', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    service = await startService({ databaseUrl: database.url });
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
      [1, 2],
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
    assert.equal(count[0]!.n, 2);
  });

  test('when two emails differ only in case, then the second insert is refused', async () => {
    await assert.rejects(
      service.db.query(`INSERT INTO users (email, password) VALUES ('ADMIN@example.com', 'x')`),
      /users_email_lower_key/,
    );
  });

  test('when the seed runs again after the password changed, then the changed password stays', async () => {
    const users = createUserStore(service.db);
    assert.equal(
      await users.setPasswordHash(SEED.email, await service.passwords.hash('changed-password')),
      true,
    );
    assert.equal(await seedUser(users, service.passwords, SEED, logger), false);
    const old = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(old.status, 401);
    const changed = await service.post('/authenticate', { email: SEED.email, password: 'changed-password' });
    assert.equal(changed.status, 202);
    await users.setPasswordHash(SEED.email, await service.passwords.hash(SEED.password));
  });

  test('when a statement runs past STATEMENT_TIMEOUT_MS, then PostgreSQL cancels it and the caller gets a 503', async () => {
    const slow = createDatabase({ url: database.url, logger, statementTimeoutMs: 300, max: 1 });
    try {
      assert.deepEqual(await slow.query('SHOW statement_timeout'), [{ statement_timeout: '300ms' }]);
      await assert.rejects(slow.query('SELECT pg_sleep(5)'), (err: Error) => {
        assert.equal((err as Error & { status?: number }).status, 503);
        assert.equal(err.message, 'user database is unavailable');
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

describe('database outage', () => {
  let server: http.Server;
  let baseUrl: string;
  const db = createDatabase({
    // Nothing listens on port 1, so every connection attempt is refused.
    url: 'postgres://postgres@127.0.0.1:1/users',
    logger,
    statementTimeoutMs: 1000,
    connectTimeoutMs: 500,
  });

  before(async () => {
    const metrics = createMetrics('authentication-service');
    const app = createApp({
      logger,
      metrics,
      db,
      passwords: await createPasswordHasher(4),
      throttle: createLoginThrottle({ windowSeconds: 60, failuresPerEmail: 1, failuresPerIp: 1 }),
      activity: { record: () => {}, drain: async () => {} },
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  test('when the database is down, then login answers 503 and never counts a failure', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${baseUrl}/authenticate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: SEED.email, password: SEED.password }),
      });
      assert.equal(res.status, 503, 'an outage must not look like invalid credentials or a rate limit');
      const body = await readBody(res);
      assert.equal(body.error, true);
      assert.match(body.message, /unavailable/);
    }
    const ready = await fetch(`${baseUrl}/readyz`);
    assert.equal(ready.status, 503);
  });
});
