import { isPeerError, PeerError } from '@suite/proto';
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
  /** How long an operation waits for a reachable server before failing; short so callers learn of an outage fast. */
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

/** How MongoDB is named to callers: `MongoDB is unreachable`, `MongoDB timed out`, `MongoDB could not ...`. */
const MONGODB = 'MongoDB';

/**
 * A failed MongoDB operation in the suite's vocabulary: the summary says what failed and how, for
 * callers; the driver's text stays in the detail and the cause, for the log.
 */
export function mongoFailure(
  kind: 'unreachable' | 'timeout' | 'refused',
  operation: string,
  cause: unknown,
): PeerError {
  const summary =
    kind === 'unreachable'
      ? `${MONGODB} is unreachable`
      : kind === 'timeout'
        ? `${MONGODB} timed out`
        : `${MONGODB} could not ${operation}`;
  const detail =
    cause instanceof Error ? cause.message : ((cause as { errmsg?: string })?.errmsg ?? String(cause));
  return new PeerError(MONGODB, kind, detail, { cause, summary });
}

/**
 * MongoDB cannot take calls at the moment (unreachable, timed out, out of resources), as opposed to
 * refusing one: the writes queued behind a failed one fail with it, gRPC health turns NOT_SERVING,
 * and the admin pages say storage is unavailable.
 */
export function isStorageDown(err: unknown): boolean {
  return (
    isPeerError(err) && (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'overloaded')
  );
}

/**
 * Runs one MongoDB operation; its failure leaves as a PeerError: `unreachable` or `timeout` when
 * the server cannot be reached or does not answer in time, `refused` for anything else, naming the
 * operation. The driver's text stays in the detail and the cause, which the log shows.
 */
export async function guardMongo<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isPeerError(err)) throw err;
    if (isMongoTimeout(err)) throw mongoFailure('timeout', operation, err);
    if (isMongoUnreachable(err)) throw mongoFailure('unreachable', operation, err);
    throw mongoFailure('refused', operation, err);
  }
}
