import { PeerError } from '@suite/proto';
import { badRequest, type Envelope, type HttpClient, type HttpResponse, isAppError } from '@suite/toolbox';

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
 * The answers every peer may give besides success: bad input stays a 400 with the peer's words (they
 * are about the caller's own request); anything else is the peer's failure, kept for the log only.
 */
export function unexpectedAnswer(service: string, response: HttpResponse<unknown>): Error {
  if (response.status === 400) return badRequest(downstreamMessage(response));
  const kind = response.status === 504 ? 'timeout' : 'refused';
  return new PeerError(service, kind, `answered ${response.status}: ${downstreamMessage(response)}`);
}

/**
 * Runs one HTTP call to a peer; a transport failure (the toolbox client's 502 or 504) becomes a
 * PeerError, so it reaches the caller through the broker's one mapping (`peer-errors.ts`) as
 * "<service> unreachable" or "<service> timeout", with the driver's words kept for the log.
 */
export async function callPeer<T>(service: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAppError(err) && (err.status === 502 || err.status === 504)) {
      const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new PeerError(service, err.status === 504 ? 'timeout' : 'unreachable', `${err.message}${cause}`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** Resolves when the peer's `GET /ping` answers 200; for the dependency-health route. */
export async function pingPeer(http: HttpClient, service: string): Promise<void> {
  const response = await callPeer(service, () => http.get<unknown>('/ping'));
  if (response.status !== 200) throw unexpectedAnswer(service, response);
}
