import { isAppError, type Logger } from '@suite/toolbox';
import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { AuthClient } from '../clients/auth.js';
import type { LogStore, StoredLog } from '../store/logs.js';
import {
  type AdminSession,
  csrfTokenFor,
  isValidCsrf,
  newCsrfToken,
  sessionMiddleware,
  sessionOf,
} from './session.js';
import type { Views } from './views.js';

export const PER_PAGE = 20;
const FILTER_MAX_CHARS = 256;
const PREVIEW_CHARS = 160;

export interface AdminDeps {
  store: LogStore;
  auth: AuthClient;
  views: Views;
  sessionSecret: string;
  logger: Logger;
  /** Marks the session cookie Secure; set when the UI is served over HTTPS. */
  secureCookies?: boolean;
}

/** The admin UI: login through authentication-service, then browse, touch and delete entries. */
export function adminRoutes(deps: AdminDeps): Router {
  const { store, auth, views, logger } = deps;
  const router = Router();
  // Forms are small; only these routes parse them.
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  router.use(['/login', '/logout', '/admin'], sessionMiddleware(deps.sessionSecret, deps.secureCookies));

  const requireCsrf: RequestHandler = (req, res, next) => {
    if (isValidCsrf(req)) return next();
    views.send(res, 403, 'error', {
      title: 'Forbidden',
      message: 'The form has expired or did not come from this site. Reload the page and try again.',
    });
  };

  const requireSession: RequestHandler = (req, res, next) => {
    if (sessionOf(req).user) return next();
    res.redirect(302, '/login');
  };

  const loginPage = (req: Request, res: Response, status: number, error?: string, email = '') =>
    views.send(res, status, 'login', { title: 'Sign in', error, email, csrf: csrfTokenFor(req) });

  router.get('/login', (req, res) => {
    if (sessionOf(req).user) return res.redirect(302, '/admin/dashboard');
    loginPage(req, res, 200);
  });

  router.post('/login', form, requireCsrf, async (req, res) => {
    const email = fieldOf(req, 'email').trim();
    const password = fieldOf(req, 'password');
    if (!email || !password) return loginPage(req, res, 400, 'Email and password are required.', email);
    try {
      const outcome = await auth.authenticate(email, password);
      if (outcome.kind === 'invalid-credentials')
        return loginPage(req, res, 401, 'Invalid credentials.', email);
      if (outcome.kind === 'rejected') return loginPage(req, res, 400, outcome.message, email);
    } catch (err) {
      logger.warn({ err }, 'authentication-service unavailable for admin login');
      return loginPage(
        req,
        res,
        503,
        'The authentication service is unavailable. Try again in a moment.',
        email,
      );
    }
    // A fresh token at login, so a token seen before signing in is worth nothing afterwards.
    req.session = { user: email, csrf: newCsrfToken() };
    res.redirect(303, '/admin/dashboard');
  });

  router.post('/logout', form, requireCsrf, (req, res) => {
    req.session = null;
    res.redirect(303, '/login');
  });

  router.use('/admin', requireSession);

  router.get('/admin', (_req, res) => res.redirect(302, '/admin/dashboard'));

  router.get('/admin/dashboard', async (req, res) => {
    const page = pageNumber(req.query.page);
    const name = filterValue(req.query.name);
    const requestId = filterValue(req.query.request_id);
    const { entries, total } = await store.list({ page, perPage: PER_PAGE, name, requestId });
    const totalPages = Math.max(1, Math.ceil(total / PER_PAGE));
    const session = sessionOf(req);
    const flash = takeFlash(session);
    views.send(res, 200, 'dashboard', {
      title: 'Log entries',
      user: session.user,
      csrf: csrfTokenFor(req),
      flash,
      total,
      entriesWord: total === 1 ? 'entry' : 'entries',
      page,
      totalPages,
      filters: { name: name ?? '', request_id: requestId ?? '' },
      filtered: Boolean(name || requestId),
      entries: entries.map(toRow),
      empty: entries.length === 0,
      prevHref: page > 1 ? dashboardHref(page - 1, name, requestId) : undefined,
      nextHref: page < totalPages ? dashboardHref(page + 1, name, requestId) : undefined,
    });
  });

  router.get('/admin/log-entry/:id', async (req, res) => {
    const id = String(req.params.id);
    const entry = await store.get(id);
    if (!entry) return notFoundPage(views, res, id);
    const session = sessionOf(req);
    const flash = takeFlash(session);
    views.send(res, 200, 'entry', {
      title: `Log entry ${entry.id}`,
      user: session.user,
      csrf: csrfTokenFor(req),
      flash,
      entry: { ...toRow(entry), data: entry.data },
    });
  });

  router.post('/admin/delete-all', form, requireCsrf, async (req, res) => {
    const deleted = await store.deleteAll();
    logger.info({ deleted, user: sessionOf(req).user }, 'admin deleted all log entries');
    sessionOf(req).flash = `Deleted ${deleted} ${deleted === 1 ? 'entry' : 'entries'}.`;
    res.redirect(303, '/admin/dashboard');
  });

  router.post('/admin/log-entry/:id/touch', form, requireCsrf, async (req, res) => {
    const id = String(req.params.id);
    const touched = await store.touch(id);
    if (!touched) return notFoundPage(views, res, id);
    sessionOf(req).flash = 'Timestamp updated.';
    res.redirect(303, `/admin/log-entry/${id}`);
  });

  router.use('/admin', (req, res) => notFoundPage(views, res, req.path));
  router.use(adminErrorPage(views, logger));
  return router;
}

function notFoundPage(views: Views, res: Response, what: string) {
  views.send(res, 404, 'error', { title: 'Not found', message: `No log entry or page matches "${what}".` });
}

/** Admin pages fail as HTML pages, never as a JSON envelope or a stack trace. */
function adminErrorPage(views: Views, logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const parserError = err as { type?: string; status?: number };
    if (parserError?.type === 'entity.too.large') {
      return views.send(res, 413, 'error', { title: 'Too large', message: 'The form was too large.' });
    }
    if (isAppError(err) && err.status < 500) {
      return views.send(res, err.status, 'error', { title: 'Request rejected', message: err.message });
    }
    if (typeof parserError?.status === 'number' && parserError.status < 500) {
      return views.send(res, parserError.status, 'error', {
        title: 'Bad request',
        message: 'The form could not be read.',
      });
    }
    const unreachable = isAppError(err) && err.status === 503;
    logger.error({ err }, 'admin page failed');
    views.send(res, unreachable ? 503 : 500, 'error', {
      title: unreachable ? 'Storage unavailable' : 'Something went wrong',
      message: unreachable
        ? 'MongoDB is unreachable right now. The page will work again once it is back.'
        : 'The page could not be produced. The error has been logged.',
    });
  };
}

/** A flash message is shown once: the page that shows it removes it from the session. */
function takeFlash(session: AdminSession): string | undefined {
  const flash = session.flash;
  if (flash) delete session.flash;
  return flash;
}

function toRow(entry: StoredLog) {
  return {
    id: entry.id,
    name: entry.name,
    preview: entry.data.length > PREVIEW_CHARS ? `${entry.data.slice(0, PREVIEW_CHARS)}…` : entry.data,
    created_at: entry.created_at.toISOString(),
    // Seconds in UTC are enough to scan a list; the entry page shows the full timestamp.
    created_label: `${entry.created_at.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    updated_at: entry.updated_at.toISOString(),
    request_id: entry.request_id,
    event_id: entry.event_id,
  };
}

function fieldOf(req: Request, field: string): string {
  const body: unknown = req.body;
  const value =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? value : '';
}

function pageNumber(raw: unknown): number {
  const page = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(page, 1);
}

function filterValue(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim().slice(0, FILTER_MAX_CHARS);
  return value || undefined;
}

function dashboardHref(page: number, name?: string, requestId?: string): string {
  const query = new URLSearchParams({ page: String(page) });
  if (name) query.set('name', name);
  if (requestId) query.set('request_id', requestId);
  return `/admin/dashboard?${query.toString()}`;
}
