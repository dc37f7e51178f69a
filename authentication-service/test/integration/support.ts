import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '@suite/test-kit';
import { closeHttpServer, createLogger, listen } from '@suite/toolbox';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { readConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { type AuthServiceOverrides, buildAuthService } from '../../src/service.js';

export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const logger = createLogger('authentication-test', process.env.TEST_LOG_LEVEL ?? 'silent');
export const SEED = {
  email: 'admin@example.com',
  password: 'verysecret',
  firstName: 'Admin',
  lastName: 'User',
};

/** A hash as the service makes it, for tests that arrange users in the database directly. */
export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, 10);

/**
 * Hashes made by other bcrypt implementations (htpasswd's $2y$, libxcrypt's $2b$, both cost 12);
 * test/fixtures/foreign-bcrypt-hashes.json records the command and tool that made each.
 */
export function foreignHashes(): { password: string; htpasswd: string; mkpasswd: string } {
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/foreign-bcrypt-hashes.json', import.meta.url), 'utf8'),
  ) as { password: string; htpasswd: { output: string }; mkpasswd: { output: string } };
  return {
    password: fixture.password,
    // htpasswd prints "user:hash".
    htpasswd: fixture.htpasswd.output.slice(fixture.htpasswd.output.indexOf(':') + 1),
    mkpasswd: fixture.mkpasswd.output,
  };
}

/** A database name no other test run uses; the service creates it on first start. */
export function testDatabase(): { name: string; url: string } {
  const name = uniqueName('auth_test');
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

/**
 * A TCP relay in front of PostgreSQL, so a test can take the database away for real (connections
 * cut, new ones refused) and bring it back on the same address.
 */
export interface PostgresRelay {
  /** `url` with its host and port replaced by the relay's. */
  through(url: string): string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startPostgresRelay(): Promise<PostgresRelay> {
  const target = new URL(ADMIN_URL);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await listen(server, 0, '127.0.0.1');
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    through(url) {
      const relayed = new URL(url);
      relayed.hostname = '127.0.0.1';
      relayed.port = String(port);
      return relayed.toString();
    },
    cut,
    restore: async () => {
      await listen(server, port, '127.0.0.1');
    },
    close: () => (server.listening ? cut() : Promise.resolve()),
  };
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
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The service exactly as main.ts builds it (buildAuthService), on port 0. `env` holds the variables a
 * test sets on top of its database, as an operator would set them. Like `make run`, it listens on the
 * loopback address, which is what lets the seed administrator have the published SEED.password. Its
 * login counters are in the real Redis (REDIS_URL, default 127.0.0.1:6379) under a key prefix of its
 * own unless `env` names one, so no other test's failures count against it.
 */
export async function startService(
  databaseUrl: string,
  env: Record<string, string> = {},
  overrides: AuthServiceOverrides = {},
): Promise<RunningService> {
  const config = readConfig({
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '4',
    BIND_HOST: '127.0.0.1',
    SEED_PASSWORD: SEED.password,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `${uniqueName('auth_test')}:`,
    ...env,
  });
  const service = await buildAuthService(config, { logger, ...overrides });
  const server = http.createServer(service.app);
  const port = await listen(server, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    db: service.db,
    post: (path, body, headers = {}) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await closeHttpServer(server, 1000);
      await service.close();
    },
  };
}

export interface EnvelopeBody {
  error: boolean;
  message: string;
  data?: Record<string, unknown>;
}

export const readBody = (res: Response): Promise<EnvelopeBody> => res.json() as Promise<EnvelopeBody>;

/** The program `npm run user` starts, as built by `npm run build`. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI with `stdin` piped in (closed after it), bounded in time. `env` adds to the
 * variables of a container's shell: DATABASE_URL and BCRYPT_COST, and no BIND_HOST (not local development).
 */
export function runCli(
  databaseUrl: string,
  args: string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, BCRYPT_COST: '10', ...env },
      timeout: 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
