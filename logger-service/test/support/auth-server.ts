import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthenticatedUser } from '@suite/proto';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'verysecret';
/** The administrator's `updated_at`, which the admin check must be given back. */
const ADMIN_VERSION = '2026-01-01T00:00:00.000Z';

/** The administrator as `/authenticate` answers with it (proto's contract). */
const ADMIN_USER: AuthenticatedUser = {
  id: 1,
  email: ADMIN_EMAIL,
  first_name: 'Admin',
  last_name: 'User',
  active: true,
  admin: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: ADMIN_VERSION,
};

/**
 * Stands in for authentication-service where a test needs no PostgreSQL: `POST /authenticate` answers
 * 202 with the user (an administrator, `admin: true`) for the one known account and 401 otherwise,
 * 202 with the user (an administrator, `admin: true`) for the one known account and 401 otherwise,
 * and `POST /admin-check` confirms that account's right, with the suite's envelope, like the real
 * service. e2e/test/integration/admin-rights.test.ts runs the real one.
 */
export async function startAuthServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || (req.url !== '/authenticate' && req.url !== '/admin-check')) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error: true, message: 'no route' }));
      }
      let body: { email?: unknown; password?: unknown } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        res.statusCode = 400;
        return res.end(JSON.stringify({ error: true, message: 'malformed JSON' }));
      }
      if (req.url === '/admin-check') {
        const check = body as { id?: unknown; updated_at?: unknown };
        const admin = check.id === 1 && check.updated_at === ADMIN_VERSION;
        res.statusCode = 202;
        return res.end(JSON.stringify({ error: false, message: 'checked', data: { admin } }));
      }
      if (body.email === ADMIN_EMAIL && body.password === ADMIN_PASSWORD) {
        res.statusCode = 202;
        return res.end(
          JSON.stringify({
            error: false,
            message: `Logged in user ${ADMIN_EMAIL}`,
            data: ADMIN_USER,
          }),
        );
      }
      res.statusCode = 401;
      res.end(JSON.stringify({ error: true, message: 'invalid credentials' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
