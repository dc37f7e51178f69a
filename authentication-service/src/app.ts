import { createHttpApp, type HttpMetrics, type Logger, type TrustedProxies } from '@suite/toolbox';
import type { Express } from 'express';
import { createAuthenticator } from './auth/authenticator.js';
import type { LoginThrottle } from './auth/throttle.js';
import type { Database } from './db/database.js';
import { HTTP_STATUS } from './failures.js';
import { adminCheckRoutes } from './routes/admin-check.js';
import { authenticateRoutes } from './routes/authenticate.js';
import type { PasswordHasher } from './users/passwords.js';
import type { UserStore } from './users/store.js';

export interface AppDeps {
  logger: Logger;
  metrics: HttpMetrics;
  db: Database;
  users: UserStore;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  /** The peers whose X-Forwarded-For names the client (the broker). */
  trustedProxies: TrustedProxies;
}

/** The HTTP routes; the wiring that builds their dependencies is buildAuthService. */
export function createApp(deps: AppDeps): Express {
  const authenticate = createAuthenticator(deps);
  return createHttpApp({
    service: 'authentication-service',
    logger: deps.logger,
    metrics: deps.metrics,
    // Credentials are tiny; anything bigger is not a login.
    bodyLimit: '10kb',
    failureStatus: HTTP_STATUS,
    trustedProxies: deps.trustedProxies,
    readiness: { db: () => deps.db.ping() },
    routes: (app) => {
      authenticateRoutes(app, authenticate);
      adminCheckRoutes(app, deps.users);
    },
  });
}
