import { AUTHENTICATE_PATH, type AuthenticatedUser, type AuthRequest } from '@suite/proto';
import type { HttpClient, HttpResponse } from '@suite/toolbox';
import { downstreamMessage, isEnvelope, pingPeer, unexpectedAnswer } from './downstream.js';

export const AUTH_SERVICE = 'authentication-service';

/** The authentication-service's verdict on a pair of credentials. */
export type AuthOutcome =
  | { kind: 'authenticated'; user: AuthenticatedUser }
  /** Unknown email, wrong password or inactive account: the authentication-service does not say which. */
  | { kind: 'invalid-credentials' }
  /** Too many failed logins; `retryAfter` is the wait as the authentication-service gave it. */
  | { kind: 'throttled'; message: string; retryAfter?: string };

export interface AuthClient {
  /** Resolves with the verdict; rejects with a PeerError when there is none (bad input is `invalid`). */
  authenticate(credentials: AuthRequest): Promise<AuthOutcome>;
  /** Resolves when the authentication-service answers `/ping`. */
  ping(): Promise<void>;
}

export function createAuthClient(http: HttpClient): AuthClient {
  return {
    async authenticate(credentials) {
      const response = await http.post<unknown>(AUTHENTICATE_PATH, credentials);
      if (response.status === 202 && isEnvelope(response.data) && !response.data.error) {
        return { kind: 'authenticated', user: response.data.data as AuthenticatedUser };
      }
      if (response.status === 401) return { kind: 'invalid-credentials' };
      if (response.status === 429) {
        return { kind: 'throttled', message: downstreamMessage(response), retryAfter: retryAfter(response) };
      }
      throw unexpectedAnswer(AUTH_SERVICE, response);
    },
    ping: () => pingPeer(http, AUTH_SERVICE),
  };
}

/** The Retry-After header, else the seconds the envelope carries. */
function retryAfter(response: HttpResponse<unknown>): string | undefined {
  const header = response.headers['retry-after'];
  if (header) return header;
  const seconds = isEnvelope(response.data)
    ? (response.data.data as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds
    : undefined;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? String(Math.ceil(seconds)) : undefined;
}
