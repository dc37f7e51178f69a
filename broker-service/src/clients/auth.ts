import { AppError, type HttpClient, type HttpResponse, unauthorized } from '@suite/toolbox';
import type { Credentials } from '../actions.js';
import { callPeer, downstreamMessage, isEnvelope, pingPeer, unexpectedAnswer } from './downstream.js';

export const AUTH_SERVICE = 'authentication-service';

/** What the authentication-service returns for a user; it never includes the password hash. */
export interface User {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  active: number | boolean;
  [field: string]: unknown;
}

export interface AuthClient {
  /** Resolves with the user; rejects with an AppError (401, 429 with Retry-After, 400) or a PeerError. */
  authenticate(credentials: Credentials): Promise<User>;
  /** Resolves when the authentication-service answers `/ping`. */
  ping(): Promise<void>;
}

export function createAuthClient(http: HttpClient): AuthClient {
  return {
    async authenticate(credentials) {
      const response = await callPeer(AUTH_SERVICE, () => http.post<unknown>('/authenticate', credentials));
      if (response.status === 202 && isEnvelope(response.data) && !response.data.error) {
        return response.data.data as User;
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
