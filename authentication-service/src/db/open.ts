import type { Logger } from '@suite/toolbox';
import { ensureDatabaseExists } from './create-database.js';
import { createDatabase, type Database } from './database.js';
import { asDatabaseFailure, databaseFailure } from './errors.js';
import { runMigrations } from './migrations.js';

export interface OpenDatabaseOptions {
  url: string;
  logger: Logger;
  statementTimeoutMs: number;
  connectTimeoutMs?: number;
  max?: number;
}

/** Creates the database when missing, opens the pool and brings the schema up to date. */
export async function openUserDatabase(options: OpenDatabaseOptions): Promise<Database> {
  await ensureDatabaseExists(options.url, options.logger, options.connectTimeoutMs).catch((err: unknown) => {
    const text = err instanceof Error ? err.message : String(err);
    throw databaseFailure(asDatabaseFailure(err)?.kind ?? 'refused', err, `cannot prepare database: ${text}`);
  });
  const db = createDatabase(options);
  try {
    await runMigrations(db, options.logger);
    return db;
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
