import type { Logger } from '@suite/toolbox';
import pg from 'pg';

/** Splits a connection URL into the database it names and the maintenance database on that server. */
export function maintenanceTarget(url: string): { database: string; maintenanceUrl: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  parsed.pathname = '/postgres';
  return { database, maintenanceUrl: parsed.toString() };
}

/** True when the server answers that the database does not exist; other failures are thrown. */
async function databaseMissing(url: string, connectTimeoutMs: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    return false;
  } catch (err) {
    // 3D000 invalid_catalog_name: "database ... does not exist".
    if ((err as { code?: string }).code === '3D000') return true;
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates the database named in `url` when it does not exist yet, so a fresh server needs no manual
 * step. Its own database is tried first: a role that owns that database and nothing else (as the
 * deployments create it) need never reach the maintenance database. Two replicas starting together
 * may both try to create it; the loser's "already exists" is fine.
 */
export async function ensureDatabaseExists(
  url: string,
  logger: Logger,
  connectTimeoutMs = 3000,
): Promise<void> {
  const { database, maintenanceUrl } = maintenanceTarget(url);
  if (database === 'postgres') return;
  if (!(await databaseMissing(url, connectTimeoutMs))) return;
  const client = new pg.Client({
    connectionString: maintenanceUrl,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  // A connection dropped by the server emits 'error'; without a listener that would crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      logger.info({ database }, 'created database');
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 42P04 duplicate_database; 23505 when the concurrent creation races on pg_database's index.
      if (code !== '42P04' && code !== '23505') throw err;
    }
  } finally {
    await client.end().catch(() => {});
  }
}
