/**
 * How a call to a peer failed: the one vocabulary of failures in the suite. Clients (proto's, the
 * toolbox's HTTP client, the SMTP client) and stores (MongoDB, PostgreSQL) raise it, never an HTTP
 * status; each service decides what a kind means for its own callers in one place (an HTTP status,
 * a gRPC status or a JSON-RPC error code per transport, a retry or a dead letter).
 * - unreachable: no connection, or it dropped before the answer;
 * - timeout: no answer within the deadline;
 * - refused: the peer answered with a failure that is not about the request's content (a store:
 *   the server turned the operation down, e.g. a write it could not apply or credentials it rejects);
 * - invalid: the request itself is unacceptable (retrying it as is cannot help);
 * - overloaded: a bound on what is in flight or buffered was reached, ours or the peer's (a store
 *   out of connections or resources), so the call was not carried out.
 */
export type PeerErrorKind = 'unreachable' | 'timeout' | 'refused' | 'invalid' | 'overloaded';

/** Every kind, for a table's tests and for code that must handle them all. */
export const PEER_ERROR_KINDS: readonly PeerErrorKind[] = [
  'unreachable',
  'timeout',
  'refused',
  'invalid',
  'overloaded',
];

export interface PeerErrorOptions {
  cause?: unknown;
  /**
   * What a caller may read, when the raiser words it better than `<peer> <kind>` (e.g. "MongoDB is
   * unreachable", "mail server rejected the message (SMTP 550)"): the peer and the kind of failure
   * only, never an address or a driver's text.
   */
  summary?: string;
}

/** The one failure clients and stores raise. `message` carries the detail for logs; show callers only `summary`. */
export class PeerError extends Error {
  override readonly name = 'PeerError';
  /** What a caller may read: `<peer> <kind>` unless the raiser worded it. */
  readonly summary: string;

  constructor(
    /** The peer as named by the caller, e.g. `logger-service (JSON-RPC)`, `rabbitmq` or `MongoDB`. */
    readonly peer: string,
    readonly kind: PeerErrorKind,
    /** What happened, for logs: may contain addresses and driver text, never for a public answer. */
    readonly detail: string,
    options: PeerErrorOptions = {},
  ) {
    const summary = options.summary ?? `${peer} ${kind}`;
    super(`${summary}: ${detail}`, 'cause' in options ? { cause: options.cause } : undefined);
    this.summary = summary;
  }
}

export const isPeerError = (err: unknown): err is PeerError => err instanceof PeerError;
