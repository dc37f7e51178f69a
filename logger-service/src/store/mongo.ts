import { AppError, unavailable } from '@suite/toolbox';
import {
  MongoClient,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

export const DEFAULT_DATABASE = 'logs';

export interface MongoClientOptions {
  /** How long an operation waits for a reachable server before failing; short so callers get a fast 503. */
  serverSelectionTimeoutMS?: number;
  /**
   * Longest wait for a socket read or write and for a pooled connection, so a stalled server fails
   * calls instead of hanging them (driver 7 ignores `timeoutMS`; these are the timeouts it honours).
   */
  operationTimeoutMS?: number;
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
    socketTimeoutMS: options.operationTimeoutMS ?? 5000,
    waitQueueTimeoutMS: options.operationTimeoutMS ?? 5000,
    appName: 'logger-service',
  });
}

/** The database named in the URL path (`mongodb://host/<db>?...`), `logs` when the path is empty. */
export function databaseNameFromUrl(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name || DEFAULT_DATABASE;
}

function isMongoTimeout(err: unknown): boolean {
  return (
    err instanceof MongoNetworkTimeoutError ||
    err instanceof MongoOperationTimeoutError ||
    // Not exported by the driver, so known by name.
    (err instanceof Error && err.name === 'MongoWaitQueueTimeoutError')
  );
}

export function isMongoUnreachable(err: unknown): boolean {
  return (
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNetworkError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoServerClosedError ||
    err instanceof MongoClientClosedError ||
    // The pool was cleared by a network error while this operation waited (not exported by the driver).
    (err instanceof Error &&
      (err.name === 'MongoPoolClearedError' || err.name === 'PoolClearedOnNetworkError'))
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
    if (isMongoTimeout(err)) throw unavailable('MongoDB timed out', err);
    if (isMongoUnreachable(err)) throw unavailable('MongoDB is unreachable', err);
    throw new AppError(500, `MongoDB could not ${operation}`, { cause: err });
  }
}
