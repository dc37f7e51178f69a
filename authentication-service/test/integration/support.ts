import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { closeHttpServer, createHttpClient, createLogger, createMetrics, listen } from '@suite/toolbox';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { createLoginThrottle, type ThrottleLimits } from '../../src/auth/throttle.js';
import { type ActivityLog, createActivityLog } from '../../src/clients/activity-log.js';
import type { Database } from '../../src/db/database.js';
import { openUserDatabase } from '../../src/db/open.js';
import { createPasswordHasher, type PasswordHasher } from '../../src/users/passwords.js';
import { seedUser } from '../../src/users/seed.js';
import { createUserStore } from '../../src/users/store.js';

export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const logger = createLogger('authentication-test', process.env.TEST_LOG_LEVEL ?? 'silent');
export const SEED = {
  email: 'admin@example.com',
  password: 'verysecret',
  firstName: 'Admin',
  lastName: 'User',
};

/** A database name no other test run uses; the service creates it on first start. */
export function testDatabase(): { name: string; url: string } {
  const name = `auth_test_${randomBytes(5).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Runs SQL as the server's superuser on the maintenance database (or on `database`). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
  database = 'postgres',
): Promise<R[]> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  );
  await adminQuery(`DROP DATABASE IF EXISTS "${name}"`);
}

export interface RunningService {
  baseUrl: string;
  db: Database;
  passwords: PasswordHasher;
  activity: ActivityLog;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  loggerUrl?: string;
  limits?: Partial<ThrottleLimits>;
  seed?: boolean;
}

/** The service as main.ts wires it, on port 0, with the real bcrypt cost. */
export async function startService(options: StartOptions): Promise<RunningService> {
  const db = await openUserDatabase({ url: options.databaseUrl, logger, statementTimeoutMs: 5000, max: 4 });
  const passwords = await createPasswordHasher(10);
  if (options.seed !== false) await seedUser(createUserStore(db), passwords, SEED, logger);
  const metrics = createMetrics('authentication-service');
  const loggerHttp = createHttpClient({
    service: 'logger-service',
    baseURL: options.loggerUrl ?? 'http://127.0.0.1:1',
    timeoutMs: 500,
  });
  const activity = createActivityLog({ http: loggerHttp, logger, registry: metrics.registry });
  const throttle = createLoginThrottle({
    windowSeconds: 900,
    failuresPerEmail: 10,
    failuresPerIp: 50,
    ...options.limits,
  });
  const app = createApp({ logger, metrics, db, passwords, throttle, activity, trustProxy: 'loopback' });
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    db,
    passwords,
    activity,
    post: (path, body, headers = {}) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await closeHttpServer(server, 1000);
      await activity.drain();
      loggerHttp.close();
      await db.close();
    },
  };
}

export interface EnvelopeBody {
  error: boolean;
  message: string;
  data?: Record<string, unknown>;
}

export const readBody = (res: Response): Promise<EnvelopeBody> => res.json() as Promise<EnvelopeBody>;
