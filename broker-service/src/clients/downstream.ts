import { PeerError } from '@suite/proto';
import type { Envelope, HttpClient, HttpResponse } from '@suite/toolbox';

/** The message of a downstream envelope, or a short description when the peer answered something else. */
export function downstreamMessage(response: HttpResponse<unknown>): string {
  const body = response.data as Partial<Envelope> | undefined;
  if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
  return `HTTP ${response.status}`;
}

export function isEnvelope(value: unknown): value is Envelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Envelope).error === 'boolean' &&
    typeof (value as Envelope).message === 'string'
  );
}

/**
 * A peer's answer other than success, as a failure in the suite's vocabulary: a 400 is the peer
 * finding the request invalid, and its words, being about the caller's own request, are what the
 * caller reads; a 504 is the peer's own timeout; a 503 the peer saying it cannot serve for now (its
 * own store down, e.g. the authentication-service's database or limit store), so the caller may
 * retry: `overloaded`, a 503 here too; anything else the peer's failure, its words kept for the log
 * only. The toolbox's HTTP client raises transport failures (unreachable, timeout) the same way, so
 * every failure of a peer reaches the caller through the broker's one HTTP table.
 */
export function unexpectedAnswer(service: string, response: HttpResponse<unknown>): PeerError {
  const words = downstreamMessage(response);
  const detail = `answered ${response.status}: ${words}`;
  if (response.status === 400) return new PeerError(service, 'invalid', detail, { summary: words });
  if (response.status === 503) {
    return new PeerError(service, 'overloaded', detail, { summary: `${service} unavailable` });
  }
  return new PeerError(service, response.status === 504 ? 'timeout' : 'refused', detail);
}

/** Resolves when the peer's `GET /ping` answers 200; for the dependency-health route. */
export async function pingPeer(http: HttpClient, service: string): Promise<void> {
  const response = await http.get<unknown>('/ping');
  if (response.status !== 200) throw unexpectedAnswer(service, response);
}
