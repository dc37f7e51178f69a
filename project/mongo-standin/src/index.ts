import { CursorRegistry } from './cursors.js';
import { openDataDirectory } from './data-directory.js';
import { type Logger, silentLogger } from './logger.js';
import type { Journal } from './persistence.js';
import { deriveScramUser } from './scram.js';
import { WireServer } from './server.js';
import { Store } from './store.js';

export type { Logger } from './logger.js';

export interface MongoStandinOptions {
  /** Default 27017; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, every connection must authenticate with SCRAM-SHA-256 as this user (any auth database). */
  auth?: { username: string; password: string };
  /**
   * Keeps the data (documents, collections, indexes) in this directory across restarts: loaded at
   * start, every change appended to a journal before it is acknowledged. Without it, memory only.
   */
  dataDir?: string;
  /** Journal size that triggers a compaction (default 16 MiB, and never below the snapshot's size). */
  compactAfterBytes?: number;
  logger?: Logger;
}

export interface MongoStandin {
  port: number;
  /** A ready MONGO_URL, with credentials when auth is on. */
  url: string;
  close(): Promise<void>;
}

export async function startMongoStandin(options: MongoStandinOptions = {}): Promise<MongoStandin> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  let journal: Journal | undefined;
  const store = new Store((change) => journal?.record(change));
  if (options.dataDir) {
    journal = await openDataDirectory(options.dataDir, store, logger, options.compactAfterBytes);
  }

  const cursors = new CursorRegistry();
  const user = options.auth ? deriveScramUser(options.auth.username, options.auth.password) : undefined;
  const commit = () => journal?.commit();
  const server = new WireServer({ store, cursors, user, commit }, logger);
  let port: number;
  try {
    port = await server.listen(options.port ?? 27017, host);
  } catch (err) {
    cursors.close();
    await journal?.close();
    throw err;
  }
  const url = connectionUrl(host, port, options.auth);
  logger.info(
    { port, host, auth: Boolean(user), dataDir: options.dataDir ?? null },
    'MongoDB stand-in listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await server.close();
      cursors.close();
      await journal?.close();
    })();
    return closing;
  };
  return { port, url, close };
}

function connectionUrl(host: string, port: number, auth: MongoStandinOptions['auth']): string {
  const reachableHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  if (!auth) return `mongodb://${reachableHost}:${port}`;
  const credentials = `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}`;
  return `mongodb://${credentials}@${reachableHost}:${port}/?authSource=admin`;
}

export { withMongoDatabase } from './url.js';
