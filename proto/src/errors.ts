/**
 * How a call to a peer failed, in transport terms only; each service decides what it means for its
 * own callers (an HTTP status, a retry, a dead letter), in one place.
 * - unreachable: no connection, or it dropped before the answer;
 * - timeout: no answer within the deadline;
 * - refused: the peer answered with a failure that is not about the request's content;
 * - invalid: the request itself is unacceptable (retrying it as is cannot help);
 * - overloaded: a bound on what is in flight or buffered was reached, so the call was not sent.
 */
export type PeerErrorKind = 'unreachable' | 'timeout' | 'refused' | 'invalid' | 'overloaded';

/** The one error proto's clients raise. `message` carries the detail for logs; show callers only `peer` and `kind`. */
export class PeerError extends Error {
  override readonly name = 'PeerError';

  constructor(
    /** The peer as named by the caller, e.g. `logger-service (JSON-RPC)` or `rabbitmq`. */
    readonly peer: string,
    readonly kind: PeerErrorKind,
    /** What happened, for logs: may contain addresses and driver text, never for a public answer. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${peer} ${kind}: ${detail}`, options);
  }
}

export const isPeerError = (err: unknown): err is PeerError => err instanceof PeerError;
