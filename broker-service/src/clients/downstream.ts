import {
  type AppError,
  badGateway,
  badRequest,
  type Envelope,
  type HttpClient,
  type HttpResponse,
} from '@suite/toolbox';

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
 * The answers every peer may give besides success: bad input stays a 400 with the peer's words, and
 * anything unexpected is the peer's failure (502), never the caller's.
 */
export function unexpectedAnswer(service: string, response: HttpResponse<unknown>): AppError {
  if (response.status === 400) return badRequest(downstreamMessage(response));
  return badGateway(service, `answered ${response.status}: ${downstreamMessage(response)}`);
}

/** Resolves when the peer's `GET /ping` answers 200; for the dependency-health route. */
export async function pingPeer(http: HttpClient, service: string): Promise<void> {
  const response = await http.get<unknown>('/ping');
  if (response.status !== 200) throw badGateway(service, `answered ${response.status} to /ping`);
}
