import { AUTHENTICATE_PATH, type AuthenticatedUser, type AuthRequest, PeerError } from '@suite/proto';
import { createHttpClient } from '@suite/toolbox';

/** The account as authentication-service described it at sign-in; `version` is its `updated_at` then. */
export interface AdminGrant {
  userId: number;
  version: string;
}

export type AuthOutcome =
  /**
   * `admin` is the user's admin right as authentication-service reports it; anything but `true` is no
   * right. An administrator comes with the grant that later checks present.
   */
  | { kind: 'authenticated'; admin: false }
  | { kind: 'authenticated'; admin: true; grant: AdminGrant }
  | { kind: 'invalid-credentials' }
  | { kind: 'rejected'; message: string };

export interface AuthClient {
  /** Rejects with a PeerError when authentication-service cannot be reached, is slow or misbehaves. */
  authenticate(email: string, password: string): Promise<AuthOutcome>;
  /**
   * Whether the account still holds the admin right unchanged since sign-in (not deleted, not
   * deactivated, right not revoked, password not reset). Rejects with a PeerError when
   * authentication-service cannot be reached, is slow or misbehaves.
   */
  holdsAdminRight(grant: AdminGrant): Promise<boolean>;
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
        const user = response.data?.data as
          | { admin?: unknown; id?: unknown; updated_at?: unknown }
          | undefined;
        // Without its id and version the right could never be checked again, so it is not taken.
        if (user?.admin !== true || typeof user.id !== 'number' || typeof user.updated_at !== 'string') {
          return { kind: 'authenticated', admin: false };
        }
        return { kind: 'authenticated', admin: true, grant: { userId: user.id, version: user.updated_at } };
      }
      if (response.status === 401) return { kind: 'invalid-credentials' };
      if (response.status === 400) {
        return { kind: 'rejected', message: response.data?.message ?? 'the credentials were rejected' };
      }
      throw new PeerError(SERVICE, 'refused', `answered ${response.status}`);
    },
    async holdsAdminRight({ userId, version }) {
      const response = await http.post<AuthEnvelope>('/admin-check', { id: userId, updated_at: version });
      if (response.status === 202 || response.status === 200) {
        return (response.data?.data as { admin?: unknown } | undefined)?.admin === true;
      }
      throw new PeerError(SERVICE, 'refused', `answered ${response.status} to the admin check`);
    },
    close: () => http.close(),
  };
}
