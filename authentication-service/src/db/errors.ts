import { PeerError, type PeerErrorKind } from '@suite/proto/errors';

/** Errors meaning "the connection is gone", after which a fresh connection may well succeed. */
const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown, e.g. pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (server starting or stopping)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// pg reports some transport failures only through the message.
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed',
];

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(err: unknown): boolean {
  const code = codeOf(err);
  if (code && CONNECTION_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return CONNECTION_MESSAGES.some((m) => message.includes(m));
}

/** Failures of the database rather than of the query (see `asDatabaseFailure`). */
export function isDatabaseOutage(err: unknown): boolean {
  if (isConnectionError(err) || isDatabaseTimeout(err)) return true;
  const code = codeOf(err) ?? '';
  // 53xxx insufficient resources, 3D000 database missing, 28xxx auth failure
  return code === '3D000' || code.startsWith('53') || code.startsWith('28');
}

/** The server cancelled a statement (57014) or stopped answering mid-query (pg's query_timeout). */
export function isDatabaseTimeout(err: unknown): boolean {
  if (err instanceof Error && err.message.includes('Query read timeout')) return true;
  return codeOf(err) === '57014';
}

export function isUniqueViolation(err: unknown): boolean {
  return codeOf(err) === '23505';
}

/** How the user database is named to callers: `user database unavailable`, `user database timed out`. */
const USER_DATABASE = 'user database';

/**
 * A failure of the database rather than of the query, in the suite's vocabulary, which the service's
 * HTTP table answers with a 503 (never a 401: an outage is not a wrong password); undefined for
 * anything else (a wrong query, a constraint), which is left as it is.
 */
export function asDatabaseFailure(err: unknown): PeerError | undefined {
  if (isDatabaseTimeout(err)) return databaseFailure('timeout', err);
  if (!isDatabaseOutage(err)) return undefined;
  if (isConnectionError(err)) return databaseFailure('unreachable', err);
  // 53xxx: out of connections, memory or disk; else the server turned us away (credentials, no database).
  return databaseFailure(codeOf(err)?.startsWith('53') ? 'overloaded' : 'refused', err);
}

/** The user database failed: callers read only that (or that it timed out); the driver's words stay in the detail. */
export function databaseFailure(
  kind: PeerErrorKind,
  cause: unknown,
  detail = cause instanceof Error ? cause.message : String(cause),
): PeerError {
  const summary = kind === 'timeout' ? `${USER_DATABASE} timed out` : `${USER_DATABASE} unavailable`;
  return new PeerError(USER_DATABASE, kind, detail, { cause, summary });
}
