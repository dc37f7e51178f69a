import { AppError, unavailable } from '@suite/toolbox';
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

/**
 * Runs one MongoDB operation; its failure leaves as an AppError: unreachable (or timed out) is a 503
 * "MongoDB is unreachable", anything else a 500 naming the operation. The driver's text stays in the
 * cause, which the log shows; callers only learn what failed.
 */
export async function guardMongo<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (isMongoUnreachable(err)) throw unavailable('MongoDB is unreachable', err);
    throw new AppError(500, `MongoDB could not ${operation}`, { cause: err });
  }
}
