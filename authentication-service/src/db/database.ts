import { isPeerError } from '@suite/proto/errors';
import { type Logger, retry } from '@suite/toolbox';
import pg, { type QueryResultRow } from 'pg';
import { asDatabaseFailure, databaseFailure, isConnectionError } from './errors.js';

export interface DatabaseOptions {
  url: string;
  logger: Logger;
  statementTimeoutMs: number;
  connectTimeoutMs?: number;
  max?: number;
}

/** An idle pooled connection is closed after this long. */
const IDLE_TIMEOUT_MS = 30_000;

export interface Database {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Runs `work` on one dedicated connection (transactions, session-level advisory locks). */
  withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A pool that survives PostgreSQL dropping its connections: idle clients that die are reported on
 * the pool's 'error' event (logged, never fatal) and replaced on the next checkout, and a query that
 * hit a dead connection is retried once on a fresh one. Every query here is idempotent, so the
 * retry cannot apply a change twice.
 */
export function createDatabase(options: DatabaseOptions): Database {
  const { url, logger, statementTimeoutMs, connectTimeoutMs = 3000, max = 10 } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    statement_timeout: statementTimeoutMs,
    // Bounds a query even when the server stops answering altogether (no statement timeout fires then).
    query_timeout: statementTimeoutMs + 1000,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'authentication-service',
  });
  pool.on('error', (err) => {
    logger.warn({ err: err.message }, 'idle database connection lost; it will be replaced');
  });

  // Public messages name the dependency and the kind of failure only; the driver's text (addresses,
  // codes) stays in the detail and the cause, which the error middleware logs with the request id.
  const asOutage = (err: unknown): unknown => asDatabaseFailure(err) ?? err;

  async function query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return await retry(async () => (await pool.query<R>(text, values)).rows, {
        retries: 1,
        baseDelayMs: 0,
        shouldRetry: isConnectionError,
        onRetry: (err) =>
          logger.warn({ err: (err as Error).message }, 'database connection lost; retrying once'),
      });
    } catch (err) {
      throw asOutage(err);
    }
  }

  return {
    query,
    async withClient(work) {
      const client = await pool.connect().catch((err: unknown) => {
        throw asOutage(err);
      });
      let broken: Error | undefined;
      try {
        return await work(client);
      } catch (err) {
        if (isConnectionError(err)) broken = err as Error;
        throw err;
      } finally {
        // A client whose connection failed must not go back into the pool.
        client.release(broken);
      }
    },
    async ping() {
      // /readyz shows the message of whatever this throws, so no driver text may pass.
      try {
        await query('SELECT 1');
      } catch (err) {
        logger.warn({ err }, 'readiness check: user database failed');
        throw isPeerError(err) ? err : databaseFailure('refused', err);
      }
    },
    close: () => pool.end(),
  };
}
