import { createHttpApp, type HttpMetrics, type Logger, type TrustedProxies } from '@suite/toolbox';
import express, { type Express } from 'express';
import type { CheckAdminRight } from './admin/right-check.js';
import { adminRoutes } from './admin/routes.js';
import type { AdminSessions } from './admin/session.js';
import { loadViews, STATIC_DIR } from './admin/views.js';
import type { AuthClient } from './clients/auth.js';
import { HTTP_STATUS } from './failures.js';
import { logRoutes } from './routes/log.js';
import type { LogStore } from './store/logs.js';

export interface AppDeps {
  store: LogStore;
  auth: AuthClient;
  logger: Logger;
  sessions: AdminSessions;
  checkAdminRight: CheckAdminRight;
  trustedProxies: TrustedProxies;
  /** Where the admin UI links each entry's trace; none when empty. */
  traceViewUrl?: string;
  metrics?: HttpMetrics;
}

/** A log entry's data may hold 64 Ki characters of multi-byte text; the JSON body limit leaves room for it. */
const JSON_BODY_LIMIT = '512kb';

export function createApp(deps: AppDeps): Express {
  const { store, logger } = deps;
  return createHttpApp({
    service: 'logger-service',
    logger,
    metrics: deps.metrics,
    bodyLimit: JSON_BODY_LIMIT,
    failureStatus: HTTP_STATUS,
    readiness: { mongodb: () => store.ping() },
    trustedProxies: deps.trustedProxies,
    routes: (app) => {
      logRoutes(app, store);
      app.use('/static', express.static(STATIC_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
      adminRoutes(app, {
        store,
        auth: deps.auth,
        views: loadViews(),
        sessions: deps.sessions,
        checkAdminRight: deps.checkAdminRight,
        logger,
        traceViewUrl: deps.traceViewUrl,
      });
    },
  });
}
