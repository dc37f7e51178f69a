import { isPeerError, type PeerError, type PeerErrorKind } from '@suite/proto/errors';
import { AppError } from './errors.js';

/** A service's HTTP answer to each kind of failure of a peer or store it called: its one HTTP table. */
export type HttpStatusOfKind = Readonly<Record<PeerErrorKind, number>>;

/**
 * The answer of a service that calls peers for its caller (the broker), and of `createHttpApp` unless
 * told otherwise: a peer away or failing is a bad gateway, its deadline passed a gateway timeout, our
 * own bound on calls in flight a 503, a request the peer found unacceptable the caller's 400.
 */
export const PEER_FAILURE_STATUS: HttpStatusOfKind = {
  unreachable: 502,
  refused: 502,
  timeout: 504,
  overloaded: 503,
  invalid: 400,
};

/**
 * The answer of a service whose own store failed (the authentication-service's user database, a
 * service's limit store): it cannot serve that request for now, whatever the kind, so 503 and the
 * caller may retry; `invalid` keeps its meaning, the caller's request.
 */
export const OWN_STORE_FAILURE_STATUS: HttpStatusOfKind = {
  unreachable: 503,
  timeout: 503,
  refused: 503,
  overloaded: 503,
  invalid: 400,
};

/**
 * A peer's failure as an HTTP answer: the status its kind has in `statusOf`, the failure's summary
 * ("<peer> <kind>", e.g. "mail-service unreachable") as the message; the PeerError, with its detail
 * (driver text, internal addresses), travels along as the cause, for the log, never to the client.
 */
export function httpErrorOf(err: PeerError, statusOf: HttpStatusOfKind = PEER_FAILURE_STATUS): AppError {
  return new AppError(statusOf[err.kind], err.summary, { cause: err });
}

/**
 * The text a client may read about `err`, decided in one place: a PeerError's summary; a 4xx
 * AppError's message; a 5xx AppError's message unless it repeats text of its causes (then
 * "<service> failed"); anything else "<service> internal error".
 */
export function publicMessage(err: unknown, service: string): string {
  if (isPeerError(err)) return err.summary;
  if (!(err instanceof AppError)) return `${service} internal error`;
  if (err.status < 500) return err.message;
  return causeTexts(err).some((text) => err.message.includes(text)) ? `${service} failed` : err.message;
}

/** The messages of an error's causes, outermost first; short ones ("", "x") cannot identify a detail. */
function causeTexts(err: Error): string[] {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  for (let cause = err.cause; cause !== undefined && !seen.has(cause); cause = (cause as Error)?.cause) {
    seen.add(cause);
    const text = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
    if (text.length >= 4) texts.push(text);
    if (!(cause instanceof Error)) break;
  }
  return texts;
}
