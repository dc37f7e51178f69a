import { randomBytes, timingSafeEqual } from 'node:crypto';
import cookieSession from 'cookie-session';
import type { Request, RequestHandler } from 'express';

export const SESSION_COOKIE = 'logger_admin';
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

export interface AdminSession {
  user?: string;
  csrf?: string;
  flash?: string;
}

export function sessionMiddleware(secret: string, secure = false): RequestHandler {
  return cookieSession({
    name: SESSION_COOKIE,
    keys: [secret],
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: SESSION_MAX_AGE_MS,
  });
}

export function sessionOf(req: Request): AdminSession {
  if (!req.session) req.session = {};
  return req.session as AdminSession;
}

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The session's token, created on first use so the login form is protected as well. */
export function csrfTokenFor(req: Request): string {
  const session = sessionOf(req);
  if (!session.csrf) session.csrf = newCsrfToken();
  return session.csrf;
}

export function isValidCsrf(req: Request): boolean {
  const expected = req.session ? (req.session as AdminSession).csrf : undefined;
  const body: unknown = req.body;
  const given =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
  if (typeof expected !== 'string' || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
