import { isPeerError } from '@suite/proto/errors';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ZodError, type ZodType, type z } from 'zod';
import { NO_TRUSTED_PROXIES, resolveClientAddress, type TrustedProxies } from './client-address.js';
import { envelope, errorEnvelope, sendError } from './envelope.js';
import { badRequest, isAppError } from './errors.js';
import { type HttpStatusOfKind, PEER_FAILURE_STATUS, publicMessage } from './failures.js';
import { type ReadinessChecks, runReadiness } from './health.js';
import { createMetrics, type HttpMetrics } from './metrics.js';
import { acceptOrCreateRequestId, REQUEST_ID_HEADER, runInRequestContext } from './request-context.js';
import { currentTraceId, TRACE_ID_HEADER, tagActiveSpan } from './trace.js';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics?: HttpMetrics;
  /** Largest JSON body accepted; larger ones get a 413 envelope. */
  bodyLimit?: string | number;
  readiness?: ReadinessChecks;
  /**
   * The service's HTTP table: the status for each kind of PeerError a route lets through (a peer or
   * store it called failed), answered with the error's summary. `PEER_FAILURE_STATUS` by default.
   */
  failureStatus?: HttpStatusOfKind;
  /**
   * Peers whose X-Forwarded-For is believed; none by default. The resolved client address is in
   * `res.locals.clientAddress` and the request context (`currentClientAddress()`).
   */
  trustedProxies?: TrustedProxies;
  /**
   * Middleware that must see a request before the JSON body parser, e.g. CORS, so that a page can
   * read the 400/413 the parser answers.
   */
  beforeBody?: (app: Express) => void;
  /** Registers the service's routes; the 404 envelope and the error middleware always follow them. */
  routes?: (app: Express) => void;
}

const QUIET_PATHS = new Set(['/ping', '/readyz', '/metrics', '/favicon.ico']);

/**
 * Express with what every service shares, in order: request ids, access logs, metrics, the health
 * routes, the `beforeBody` hook, JSON parsing with a limit, the service's routes, a 404 envelope and
 * the error middleware.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const {
    service,
    logger,
    bodyLimit = '100kb',
    readiness = {},
    trustedProxies = NO_TRUSTED_PROXIES,
    failureStatus = PEER_FAILURE_STATUS,
  } = options;
  const metrics = options.metrics ?? createMetrics(service);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.locals.logger = logger;

  // Built once per app, not per request: the lazy child logger, and the access log and metrics
  // written when the answer is finished.
  const requestLogger = lazyRequestLogger(logger);
  function recordRequest(this: Response): void {
    const req = this.req;
    const seconds = (performance.now() - (this as TimedResponse)[STARTED]) / 1e3;
    const route = req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
    const labels = { method: req.method, route, status: String(this.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, seconds);
    const level = QUIET_PATHS.has(req.path) ? 'debug' : this.statusCode >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    (this.locals.logger as Logger)[level](
      { method: req.method, path: req.path, status: this.statusCode, ms: Math.round(seconds * 1e4) / 10 },
      'request',
    );
  }

  app.use((req, res, next) => {
    const requestId = acceptOrCreateRequestId(req.get(REQUEST_ID_HEADER));
    res.setHeader('X-Request-Id', requestId);
    tagActiveSpan(requestId);
    // The trace this request is part of, so a page can link to it.
    const traceId = currentTraceId();
    if (traceId) res.setHeader(TRACE_ID_HEADER, traceId);
    const clientAddress = resolveClientAddress(
      req.socket.remoteAddress,
      req.get('x-forwarded-for'),
      trustedProxies,
    );
    res.locals.requestId = requestId;
    res.locals.clientAddress = clientAddress;
    Object.defineProperty(res.locals, 'logger', requestLogger);
    (res as TimedResponse)[STARTED] = performance.now();
    res.on('finish', recordRequest);
    runInRequestContext({ requestId, clientAddress }, next);
  });

  app.get('/ping', (_req, res) => {
    res.status(200).json(envelope('pong'));
  });
  app.get('/readyz', async (_req, res) => {
    const report = await runReadiness(readiness);
    res
      .status(report.ready ? 200 : 503)
      .json(report.ready ? envelope('ready', report.checks) : errorEnvelope('not ready', report.checks));
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  options.beforeBody?.(app);
  app.use(express.json({ limit: bodyLimit }));
  options.routes?.(app);
  app.use((req, res) => {
    sendError(res, 404, `no route for ${req.method} ${req.path}`);
  });
  app.use(errorMiddleware(service, failureStatus));
  return app;
}

const STARTED = Symbol('request started');
type TimedResponse = Response & { [STARTED]: number };
const CHILD_LOGGER = Symbol('request logger');

/**
 * `res.locals.logger`: a child logger (bindings serialised, redaction applied) made only when a line
 * is written, since at the usual levels most requests write none.
 */
function lazyRequestLogger(logger: Logger): PropertyDescriptor {
  return {
    get(this: Record<PropertyKey, unknown>): Logger {
      let log = this[CHILD_LOGGER] as Logger | undefined;
      if (log === undefined) {
        log = logger.child({ requestId: this.requestId });
        Object.defineProperty(this, CHILD_LOGGER, { value: log });
      }
      return log;
    },
    enumerable: true,
    configurable: true,
  };
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
}

/**
 * Turns every failure into an envelope. A stack trace or a 5xx cause's text (driver messages,
 * internal addresses) never reaches a client; the request's log line (with its id) has them all, and
 * so has the line of a request a peer rejected (4xx), with the peer's own words.
 */
const errorMiddleware =
  (service: string, failureStatus: HttpStatusOfKind): ErrorRequestHandler =>
  (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const log: Logger = res.locals.logger ?? req.app.locals.logger;
    const { status, message, data } = describeError(err, service, failureStatus);
    if (status >= 500) log?.error({ err }, message);
    else if (isPeerError(err)) log?.info({ status, reason: message, peer: err.message }, 'request rejected');
    else log?.info({ status, reason: message }, 'request rejected');
    if (isAppError(err)) res.set(err.headers);
    sendError(res, status, message, data);
  };

function describeError(
  err: unknown,
  service: string,
  failureStatus: HttpStatusOfKind,
): { status: number; message: string; data?: unknown } {
  if (isPeerError(err)) return { status: failureStatus[err.kind], message: err.summary };
  if (isAppError(err)) return { status: err.status, message: publicMessage(err, service), data: err.data };
  if (err instanceof ZodError) return { status: 400, message: describeZodError(err) };
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return { status: 400, message: `malformed JSON: ${parserError.message}` };
    case 'entity.too.large':
      return { status: 413, message: `request body too large (limit ${parserError.limit} bytes)` };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, message: parserError.message };
  }
  if (parserError?.expose && typeof parserError.status === 'number' && parserError.status < 500) {
    return { status: parserError.status, message: parserError.message };
  }
  return { status: 500, message: publicMessage(err, service) };
}

export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Reads a JSON body against a schema: a wrong content type, a missing body and invalid fields each
 * become a 400 naming the problem.
 */
export function readJsonBody<S extends ZodType>(req: Request, schema: S): z.infer<S> {
  const result = schema.safeParse(readJsonObject(req));
  if (!result.success) throw badRequest(describeZodError(result.error));
  return result.data;
}

/**
 * The JSON object a request carries, as parsed, for a caller that checks its fields itself: a wrong
 * content type or a body that is not an object is a 400, as in `readJsonBody`.
 */
export function readJsonObject(req: Request): Record<string, unknown> {
  if (!req.is('application/json')) {
    throw badRequest('expected a JSON body with Content-Type: application/json');
  }
  if (
    req.body === undefined ||
    req.body === null ||
    typeof req.body !== 'object' ||
    Array.isArray(req.body)
  ) {
    throw badRequest('expected a JSON object');
  }
  return req.body;
}
