import { isPeerError, RESERVED_LOG_NAMES } from '@suite/proto';
import { isAppError, type Logger } from '@suite/toolbox';
import express, {
  type ErrorRequestHandler,
  type IRouter,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { AdminGrant, AuthClient } from '../clients/auth.js';
import { HTTP_STATUS } from '../failures.js';
import type { LogKind, LogStore, StoredLog } from '../store/logs.js';
import { isStorageDown } from '../store/mongo.js';
import type { CheckAdminRight } from './right-check.js';
import { type AdminSessions, fieldOf } from './session.js';
import type { Views } from './views.js';

const PER_PAGE = 20;
const FILTER_MAX_CHARS = 256;
const PREVIEW_CHARS = 160;

export interface AdminDeps {
  store: LogStore;
  auth: AuthClient;
  views: Views;
  sessions: AdminSessions;
  /** Confirms a session's admin right with authentication-service, at most once per interval. */
  checkAdminRight: CheckAdminRight;
  logger: Logger;
  /** Where each entry's trace is drawn (`<url>/trace/<trace id>`: the trace catcher, Jaeger); none when empty. */
  traceViewUrl?: string;
}

/**
 * The admin UI: sign-in through authentication-service, for users with the admin right only, then
/**
 * The admin UI: sign-in through authentication-service, for users with the admin right only, then
 * browse, touch and delete entries. The right is checked at sign-in, on every /admin request against
 * the session, and with authentication-service at most once per interval (ADMIN_RIGHT_CHECK_SECONDS).
 * The pages sit in a Router of their own, so that their HTML error page answers only their failures
 * (a failure before them, e.g. a JSON body the parser refused, keeps the JSON envelope).
 */
export function adminRoutes(app: IRouter, deps: AdminDeps): void {
  const { store, auth, views, sessions, checkAdminRight, logger } = deps;
  const traceViewUrl = withoutTrailingSlashes(deps.traceViewUrl ?? '');
  const toRow = (entry: StoredLog) => rowOf(entry, traceViewUrl);
  const router = Router();
  // Forms are small; only these routes parse them.
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  router.use(['/login', '/logout', '/admin'], sessions.load);

  const requireCsrf: RequestHandler = (req, res, next) => {
    if (sessions.isValidCsrf(req, res)) return next();
    views.send(res, 403, 'error', {
      title: 'Forbidden',
      message: 'The form has expired or did not come from this site. Reload the page and try again.',
    });
  };

  const requireAdmin: RequestHandler = async (req, res, next) => {
    const session = sessions.current(res);
    if (!session) return res.redirect(302, '/login');
    if (session.admin !== true) return notAdministratorPage(views, res, session.user);
    const right = await checkAdminRight(session);
    if (right === 'withdrawn') {
      await sessions.end(req, res);
      return res.redirect(302, '/login');
    }
    if (right === 'unconfirmed') {
      return views.send(res, 503, 'error', {
        title: 'Cannot confirm your admin right',
        message: 'The authentication service is unavailable. Try again in a moment.',
      });
    }
    next();
  };

  const loginPage = (req: Request, res: Response, status: number, error?: string, email = '') =>
    views.send(res, status, 'login', { title: 'Sign in', error, email, csrf: sessions.csrfToken(req, res) });

  router.get('/login', (req, res) => {
    if (sessions.current(res)) return res.redirect(302, '/admin/dashboard');
    loginPage(req, res, 200);
  });

  router.post('/login', form, requireCsrf, async (req, res) => {
    const email = fieldOf(req, 'email').trim();
    const password = fieldOf(req, 'password');
    if (!email || !password) return loginPage(req, res, 400, 'Email and password are required.', email);
    let grant: AdminGrant | undefined;
    try {
      const outcome = await auth.authenticate(email, password);
      if (outcome.kind === 'invalid-credentials')
        return loginPage(req, res, 401, 'Invalid credentials.', email);
      if (outcome.kind === 'rejected') return loginPage(req, res, 400, outcome.message, email);
      if (outcome.admin) grant = outcome.grant;
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
    if (!grant) {
      logger.info({ user: email }, 'admin sign-in refused: not an administrator');
      return notAdministratorPage(views, res, email);
    }
    await sessions.start(req, res, { email, admin: true, grant });
    res.redirect(303, '/admin/dashboard');
  });

  router.post('/logout', form, requireCsrf, async (req, res) => {
    await sessions.end(req, res);
    res.redirect(303, '/login');
  });

  router.use('/admin', requireAdmin);

  router.get('/admin', (_req, res) => res.redirect(302, '/admin/dashboard'));

  router.get('/admin/dashboard', async (req, res) => {
    const page = pageNumber(req.query.page);
    const name = filterValue(req.query.name);
    const requestId = filterValue(req.query.request_id);
    // Audit records (the suite's own, which no public write can imitate) apart from public entries.
    const kind: LogKind = req.query.kind === 'audit' ? 'audit' : 'public';
    const { entries, total } = await store.list({ page, perPage: PER_PAGE, name, requestId, kind });
    const totalPages = Math.max(1, Math.ceil(total / PER_PAGE));
    const flash = await sessions.takeFlash(res);
    const href = (p: number) => dashboardHref(p, kind, name, requestId);
    views.send(res, 200, 'dashboard', {
      title: kind === 'audit' ? 'Audit records' : 'Log entries',
      audit: kind === 'audit',
      kind,
      auditNames: RESERVED_LOG_NAMES.join(', '),
      user: sessions.current(res)?.user,
      csrf: sessions.csrfToken(req, res),
      flash,
      total,
      entriesWord: total === 1 ? 'entry' : 'entries',
      page,
      totalPages,
      filters: { name: name ?? '', request_id: requestId ?? '' },
      filtered: Boolean(name || requestId),
      entries: entries.map(toRow),
      empty: entries.length === 0,
      prevHref: page > 1 ? href(page - 1) : undefined,
      nextHref: page < totalPages ? href(page + 1) : undefined,
    });
  });

  router.get('/admin/log-entry/:id', async (req, res) => {
    const id = String(req.params.id);
    const entry = await store.get(id);
    if (!entry) return notFoundPage(views, res, id);
    const flash = await sessions.takeFlash(res);
    views.send(res, 200, 'entry', {
      title: `Log entry ${entry.id}`,
      user: sessions.current(res)?.user,
      csrf: sessions.csrfToken(req, res),
      flash,
      entry: { ...toRow(entry), data: entry.data },
    });
  });

  router.post('/admin/delete-all', form, requireCsrf, async (_req, res) => {
    const deleted = await store.deleteAll();
    logger.info({ deleted, user: sessions.current(res)?.user }, 'admin deleted all log entries');
    await sessions.setFlash(res, `Deleted ${deleted} ${deleted === 1 ? 'entry' : 'entries'}.`);
    res.redirect(303, '/admin/dashboard');
  });

  router.post('/admin/log-entry/:id/touch', form, requireCsrf, async (req, res) => {
    const id = String(req.params.id);
    const touched = await store.touch(id);
    if (!touched) return notFoundPage(views, res, id);
    await sessions.setFlash(res, 'Timestamp updated.');
    res.redirect(303, `/admin/log-entry/${id}`);
  });

  router.use('/admin', (req, res) => notFoundPage(views, res, req.path));
  router.use(adminErrorPage(views, logger));
  app.use(router);
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
    // The same status as the JSON answers give, from the logger's one HTTP table.
    const status = isPeerError(err) ? HTTP_STATUS[err.kind] : 500;
    if (isPeerError(err) && status < 500) {
      return views.send(res, status, 'error', { title: 'Request rejected', message: err.summary });
    }
    if (typeof parserError?.status === 'number' && parserError.status < 500) {
      return views.send(res, parserError.status, 'error', {
        title: 'Bad request',
        message: 'The form could not be read.',
      });
    }
    logger.error({ err }, 'admin page failed');
    views.send(
      res,
      status,
      'error',
      isStorageDown(err)
        ? {
            title: 'Storage unavailable',
            message: 'MongoDB is unreachable right now. The page will work again once it is back.',
          }
        : {
            title: 'Something went wrong',
            message: 'The page could not be produced. The error has been logged.',
          },
    );
  };
}

function notAdministratorPage(views: Views, res: Response, user: string) {
  views.send(res, 403, 'error', {
    title: 'Not an administrator',
    message: `${user} does not have the admin right, which this page needs. An administrator can grant it with the authentication-service user CLI.`,
  });
}

/** A scan, not a pattern: `/\/+$/` backtracks on a long run of slashes. */
function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

function rowOf(entry: StoredLog, traceViewUrl: string) {
  return {
    id: entry.id,
    name: entry.name,
    audit: RESERVED_LOG_NAMES.includes(entry.name),
    preview: entry.data.length > PREVIEW_CHARS ? `${entry.data.slice(0, PREVIEW_CHARS)}…` : entry.data,
    created_at: entry.created_at.toISOString(),
    // Seconds in UTC are enough to scan a list; the entry page shows the full timestamp.
    created_label: `${entry.created_at.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    updated_at: entry.updated_at.toISOString(),
    request_id: entry.request_id,
    event_id: entry.event_id,
    trace_id: entry.trace_id,
    trace_href: traceViewUrl && entry.trace_id ? `${traceViewUrl}/trace/${entry.trace_id}` : undefined,
  };
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

function dashboardHref(page: number, kind: LogKind, name?: string, requestId?: string): string {
  const query = new URLSearchParams({ page: String(page) });
  if (kind === 'audit') query.set('kind', kind);
  if (name) query.set('name', name);
  if (requestId) query.set('request_id', requestId);
  return `/admin/dashboard?${query.toString()}`;
}
