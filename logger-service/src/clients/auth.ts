import { AUTHENTICATE_PATH, type AuthenticatedUser, type AuthRequest, PeerError } from '@suite/proto';
import { createHttpClient } from '@suite/toolbox';

export type AuthOutcome =
  /** `admin` is the user's admin right as authentication-service reports it; anything but `true` is no right. */
  | { kind: 'authenticated'; admin: boolean }
  | { kind: 'invalid-credentials' }
  | { kind: 'rejected'; message: string };

export interface AuthClient {
  /** Rejects with a PeerError when authentication-service cannot be reached, is slow or misbehaves. */
  authenticate(email: string, password: string): Promise<AuthOutcome>;
  close(): void;
}

const SERVICE = 'authentication-service';

interface AuthEnvelope {
  error?: boolean;
  message?: string;
  data?: Partial<AuthenticatedUser>;
}

export function createAuthClient(baseURL: string, timeoutMs = 5000): AuthClient {
  const http = createHttpClient({ service: SERVICE, baseURL, timeoutMs });
  return {
    async authenticate(email, password) {
      const request: AuthRequest = { email, password };
      const response = await http.post<AuthEnvelope>(AUTHENTICATE_PATH, request);
      if (response.status === 202 || response.status === 200) {
        return { kind: 'authenticated', admin: response.data?.data?.admin === true };
      }
      if (response.status === 401) return { kind: 'invalid-credentials' };
      if (response.status === 400) {
        return { kind: 'rejected', message: response.data?.message ?? 'the credentials were rejected' };
      }
      throw new PeerError(SERVICE, 'refused', `answered ${response.status}`);
    },
    close: () => http.close(),
  };
}
