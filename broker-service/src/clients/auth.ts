import { AUTHENTICATE_PATH, type AuthenticatedUser, type AuthRequest } from '@suite/proto';
import { AppError, type HttpClient, type HttpResponse, unauthorized } from '@suite/toolbox';
import { callPeer, downstreamMessage, isEnvelope, pingPeer, unexpectedAnswer } from './downstream.js';

export const AUTH_SERVICE = 'authentication-service';

export interface AuthClient {
  /** Resolves with the user; rejects with an AppError (401, 429 with Retry-After, 400) or a PeerError. */
  authenticate(credentials: AuthRequest): Promise<AuthenticatedUser>;
  /** Resolves when the authentication-service answers `/ping`. */
  ping(): Promise<void>;
}

export function createAuthClient(http: HttpClient): AuthClient {
  return {
    async authenticate(credentials) {
      const response = await callPeer(AUTH_SERVICE, () => http.post<unknown>(AUTHENTICATE_PATH, credentials));
      if (response.status === 202 && isEnvelope(response.data) && !response.data.error) {
        return response.data.data as AuthenticatedUser;
      }
      if (response.status === 401) throw unauthorized('invalid credentials');
      if (response.status === 429) {
        // The caller is told when to come back, as the authentication-service said.
        const after = retryAfter(response);
        throw new AppError(429, downstreamMessage(response), {
          headers: after ? { 'Retry-After': after } : {},
        });
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
