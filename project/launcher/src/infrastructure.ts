import { randomBytes } from 'node:crypto';
import { eventTopology } from '@suite/proto';
import amqp from 'amqplib';
import pg from 'pg';
import { canConnect } from './ports.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres:password@127.0.0.1:5432/users';
export const DEFAULT_RABBIT_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const HOW_TO_START =
  'run `bash project/infra.sh` (on Debian it installs and starts it), or `make up` for Docker Compose';

/** Fails with one line per missing server, naming how to start it, instead of six services timing out. */
export async function requireServers(servers: Array<{ name: string; url: string; defaultPort: number }>) {
  const missing: string[] = [];
  for (const { name, url, defaultPort } of servers) {
    const parsed = new URL(url);
    const port = Number(parsed.port || defaultPort);
    if (!(await canConnect(parsed.hostname, port))) {
      missing.push(`${name} is not reachable at ${parsed.hostname}:${port}: ${HOW_TO_START}`);
    }
  }
  if (missing.length > 0) throw new Error(missing.join('\n'));
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Drops a throw-away test database; the services using it must be stopped first. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Removes a throw-away queue, the retry and dead-letter queues derived from it, and its exchange. */
export async function deleteQueues(rabbitUrl: string, queue: string, exchange: string): Promise<void> {
  const topology = eventTopology({ queue, exchange });
  const connection = await amqp.connect(rabbitUrl);
  try {
    const channel = await connection.createChannel();
    for (const name of [topology.queue, topology.retryQueue, topology.deadQueue]) {
      await channel.deleteQueue(name);
    }
    await channel.deleteExchange(topology.exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}
