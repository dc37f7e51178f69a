import { createHttpApp, type HttpMetrics, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import { createAuthenticator } from './auth/authenticator.js';
import type { LoginThrottle } from './auth/throttle.js';
import type { ActivityLog } from './clients/activity-log.js';
import type { Database } from './db/database.js';
import { authenticateRoute } from './routes/authenticate.js';
import type { PasswordHasher } from './users/passwords.js';
import { createUserStore } from './users/store.js';

export interface AppDeps {
  logger: Logger;
  metrics: HttpMetrics;
  db: Database;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  activity: ActivityLog;
  /** express "trust proxy" value: which peers may state the client address in X-Forwarded-For. */
  trustProxy?: boolean | string;
}

export function createApp(deps: AppDeps): Express {
  const authenticate = createAuthenticator({
    users: createUserStore(deps.db),
    passwords: deps.passwords,
    throttle: deps.throttle,
    activity: deps.activity,
  });
  const app = createHttpApp({
    service: 'authentication-service',
    logger: deps.logger,
    metrics: deps.metrics,
    // Credentials are tiny; anything bigger is not a login.
    bodyLimit: '10kb',
    readiness: { db: () => deps.db.ping() },
    routes: (app) => {
      app.post('/authenticate', authenticateRoute(authenticate));
    },
  });
  app.set('trust proxy', deps.trustProxy ?? false);
  return app;
}

export function parseTrustProxy(value: string): boolean | string {
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === 'none' || v === '') return false;
  if (v === 'true') return true;
  return value;
}
