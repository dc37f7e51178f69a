import { AppError } from './errors.js';

/** How a dependency failed, as a client may be told: the words of the public message. */
export type FailureKind =
  | 'unreachable'
  | 'refused'
  | 'timeout'
  | 'overloaded'
  | 'unavailable'
  | 'invalid'
  | 'failed';

const STATUS_OF_KIND: Record<FailureKind, number> = {
  unreachable: 502,
  refused: 502,
  failed: 502,
  timeout: 504,
  overloaded: 503,
  unavailable: 503,
  invalid: 400,
};

/**
 * A dependency's failure as the public sees it: the message is only "<service> <kind>" (e.g.
 * "mail-server unreachable") with the status for that kind; the cause (driver text, internal
 * addresses) travels along for the log, never to the client.
 */
export function serviceFailure(
  service: string,
  kind: FailureKind,
  cause?: unknown,
  status = STATUS_OF_KIND[kind],
): AppError {
  return new AppError(status, `${service} ${kind}`, { cause });
}

/**
 * The text a client may read about `err`, decided in one place: a 4xx AppError's message; a 5xx
 * AppError's message unless it repeats text of its causes (then "<service> failed"); anything else
 * "<service> internal error".
 */
export function publicMessage(err: unknown, service: string): string {
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
