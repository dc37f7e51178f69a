import { AUTHENTICATE_PATH, type AuthenticatedUser, type AuthRequest } from '@suite/proto';
import { badGateway, createHttpClient } from '@suite/toolbox';

export type AuthOutcome =
  /** `admin` is the user's admin right as authentication-service reports it; anything but `true` is no right. */
  | { kind: 'authenticated'; admin: boolean }
  | { kind: 'invalid-credentials' }
  | { kind: 'rejected'; message: string };

export interface AuthClient {
  /** Throws an AppError (502/504) when authentication-service cannot be reached or misbehaves. */
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
      throw badGateway(SERVICE, `answered ${response.status}`);
    },
    close: () => http.close(),
  };
}
