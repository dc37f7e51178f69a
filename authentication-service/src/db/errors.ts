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

/**
 * Failures of the database rather than of the query: they are reported as 503, never as a bad
 * request or as invalid credentials.
 */
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
