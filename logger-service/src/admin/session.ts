import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { TrustedProxies } from '@suite/toolbox';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { AdminGrant } from '../clients/auth.js';
import type { SessionStore, StoredSession } from './session-store.js';

const SESSION_COOKIE = 'logger_admin';
/** Binds the sign-in form's CSRF token to the browser before any session exists. */
const LOGIN_COOKIE = 'logger_login';

export interface SessionSettings {
  /** Signs the cookies: a session id read from the database is no cookie without it. */
  secret: string;
  idleMs: number;
  absoluteMs: number;
  /** Secure cookies on every answer; otherwise only on requests that arrived over HTTPS. */
  alwaysSecure: boolean;
  /** Peers whose X-Forwarded-Proto says whether the browser used HTTPS. */
  trustedProxies: TrustedProxies;
  store: SessionStore;
  now: () => Date;
}

export interface AdminSessions {
  /** Puts the request's session in `res.locals` when its cookie is genuine and it has not expired. */
  load: RequestHandler;
  current(res: Response): StoredSession | undefined;
  /** A new session (new id, new CSRF token) for a user who just proved who they are. */
  start(
    req: Request,
    res: Response,
    user: { email: string; admin: boolean; grant?: AdminGrant },
  ): Promise<void>;
  /** Deletes the session on the server, so a copy of its cookie is worth nothing afterwards. */
  end(req: Request, res: Response): Promise<void>;
  setFlash(res: Response, flash: string): Promise<void>;
  /** A flash message is shown once: reading it removes it. */
  takeFlash(res: Response): Promise<string | undefined>;
  /** The token forms carry: the session's once signed in, before that one tied to the login cookie. */
  csrfToken(req: Request, res: Response): string;
  isValidCsrf(req: Request, res: Response): boolean;
}

export function createAdminSessions(settings: SessionSettings): AdminSessions {
  const { store, now, idleMs, absoluteMs } = settings;
  const sign = (purpose: string, value: string) =>
    createHmac('sha256', settings.secret).update(`${purpose}:${value}`).digest('base64url');

  const cookieOptions = (req: Request, maxAge: number): CookieOptions => ({
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: settings.alwaysSecure || arrivedOverHttps(req, settings.trustedProxies),
    maxAge,
  });

  /** The session id in a genuine cookie, or undefined for a missing, malformed or forged one. */
  const sessionIdOf = (req: Request): string | undefined => {
    const value = readCookie(req, SESSION_COOKIE);
    const dot = value?.lastIndexOf('.') ?? -1;
    if (!value || dot <= 0) return undefined;
    const id = value.slice(0, dot);
    return sameText(value.slice(dot + 1), sign('session', id)) ? id : undefined;
  };

  const clear = (req: Request, res: Response, name: string) => {
    const { maxAge: _, ...options } = cookieOptions(req, 0);
    res.clearCookie(name, options);
  };

  const current = (res: Response) => res.locals.adminSession as StoredSession | undefined;

  return {
    current,

    load: async (req, res, next) => {
      const id = sessionIdOf(req);
      if (!id) return next();
      const session = await store.get(id);
      const at = now();
      const live =
        session !== null &&
        at.getTime() - session.seenAt.getTime() < idleMs &&
        at.getTime() - session.createdAt.getTime() < absoluteMs;
      if (!live) {
        if (session) await store.delete(id);
        clear(req, res, SESSION_COOKIE);
        return next();
      }
      const expiresAt = new Date(Math.min(at.getTime() + idleMs, session.createdAt.getTime() + absoluteMs));
      await store.update(id, { seenAt: at, expiresAt });
      res.locals.adminSession = { ...session, seenAt: at, expiresAt };
      next();
    },

    async start(req, res, user) {
      const previous = current(res);
      if (previous) await store.delete(previous.id);
      const at = now();
      const session: StoredSession = {
        id: randomToken(),
        user: user.email,
        admin: user.admin,
        // A fresh token at sign-in, so a token seen before signing in is worth nothing afterwards.
        csrf: randomToken(),
        createdAt: at,
        seenAt: at,
        expiresAt: new Date(at.getTime() + Math.min(idleMs, absoluteMs)),
      };
      if (user.grant) {
        session.grant = user.grant;
        // The sign-in itself just confirmed the right.
        session.rightCheckedAt = at;
      }
      await store.create(session);
      res.locals.adminSession = session;
      res.cookie(
        SESSION_COOKIE,
        `${session.id}.${sign('session', session.id)}`,
        cookieOptions(req, absoluteMs),
      );
      clear(req, res, LOGIN_COOKIE);
    },

    async end(req, res) {
      const session = current(res);
      if (session) await store.delete(session.id);
      res.locals.adminSession = undefined;
      clear(req, res, SESSION_COOKIE);
    },

    async setFlash(res, flash) {
      const session = current(res);
      if (session) await store.update(session.id, { flash });
    },

    async takeFlash(res) {
      const session = current(res);
      if (!session?.flash) return undefined;
      await store.update(session.id, { flash: null });
      return session.flash;
    },

    csrfToken(req, res) {
      const session = current(res);
      if (session) return session.csrf;
      let nonce = readCookie(req, LOGIN_COOKIE);
      if (!nonce || !/^[\w-]{20,100}$/.test(nonce)) {
        nonce = randomToken();
        res.cookie(LOGIN_COOKIE, nonce, cookieOptions(req, absoluteMs));
      }
      return sign('login', nonce);
    },

    isValidCsrf(req, res) {
      const given = fieldOf(req, '_csrf');
      if (!given) return false;
      const session = current(res);
      if (session) return sameText(given, session.csrf);
      const nonce = readCookie(req, LOGIN_COOKIE);
      return Boolean(nonce) && sameText(given, sign('login', nonce!));
    },
  };
}

/** True when the browser used HTTPS: to this process directly, or to a trusted proxy that says so. */
function arrivedOverHttps(req: Request, trustedProxies: TrustedProxies): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const peer = req.socket.remoteAddress;
  if (!peer || !trustedProxies.has(peer)) return false;
  // The left-most value is the scheme the first proxy, the one the browser reached, received.
  const proto = req.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function fieldOf(req: Request, field: string): string {
  const body: unknown = req.body;
  const value =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? value : '';
}
