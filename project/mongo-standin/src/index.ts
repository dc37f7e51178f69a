import { CursorRegistry } from './cursors.js';
import { type Logger, silentLogger } from './logger.js';
import { loadSnapshot, SnapshotWriter } from './persistence.js';
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
  /** Extended JSON file loaded at start and rewritten after changes and on close. */
  persistFile?: string;
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
  let loading = true;
  let writer: SnapshotWriter | undefined;
  const store = new Store(() => {
    if (!loading) writer?.schedule();
  });
  if (options.persistFile) {
    writer = new SnapshotWriter(options.persistFile, () => store.snapshot(), logger);
    const snapshot = await loadSnapshot(options.persistFile);
    if (snapshot) store.restore(snapshot);
  }
  loading = false;

  const cursors = new CursorRegistry();
  const user = options.auth ? deriveScramUser(options.auth.username, options.auth.password) : undefined;
  const server = new WireServer({ store, cursors, user }, logger);
  let port: number;
  try {
    port = await server.listen(options.port ?? 27017, host);
  } catch (err) {
    cursors.close();
    throw err;
  }
  const url = connectionUrl(host, port, options.auth);
  logger.info(
    { port, host, auth: Boolean(user), persistFile: options.persistFile ?? null },
    'MongoDB stand-in listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await server.close();
      cursors.close();
      await writer?.flush();
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
