import {
  MongoClient,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

export const DEFAULT_DATABASE = 'logs';

export interface MongoClientOptions {
  /** How long an operation waits for a reachable server before failing; short so callers get a fast 503. */
  serverSelectionTimeoutMS?: number;
}

/**
 * The one MongoClient of the process. The driver keeps a pool and reconnects by itself when the
 * server comes back, so nothing here needs to redial.
 */
export function createMongoClient(url: string, options: MongoClientOptions = {}): MongoClient {
  const timeoutMs = options.serverSelectionTimeoutMS ?? 3000;
  return new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    appName: 'logger-service',
  });
}

/** The database named in the URL path (`mongodb://host/<db>?...`), `logs` when the path is empty. */
export function databaseNameFromUrl(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name || DEFAULT_DATABASE;
}

export function isMongoUnreachable(err: unknown): boolean {
  return (
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNetworkError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoServerClosedError ||
    err instanceof MongoClientClosedError
  );
}
