import { connectWithRetry, createLogger, createMetrics, createResources, type Logger } from '@suite/toolbox';
import { createRedisLimitStore, type LimitStore } from '@suite/toolbox/limits';
import type { Express } from 'express';
import { createApp } from './app.js';
import { createLoginThrottle } from './auth/throttle.js';
import { type Config, isLocalDevelopment } from './config.js';
import type { Database } from './db/database.js';
import { openUserDatabase } from './db/open.js';
import { createPasswordHasher } from './users/passwords.js';
import { seedAdmin, seedDemoUser } from './users/seed.js';
import { createSeedRecord } from './users/seed-record.js';
import { createUserStore } from './users/store.js';

/** What a test may replace; everything else is built from the configuration as in production. */
export interface AuthServiceOverrides {
  logger?: Logger;
  /** Where the login counters live; the caller closes it. Default: Redis at REDIS_URL. */
  limits?: LimitStore;
}

export interface AuthService {
  app: Express;
  logger: Logger;
  /** The user database, open and migrated (tests arrange their users through it). */
  db: Database;
  close(): Promise<void>;
}

/** Longest wait at start-up for the limit store before the service starts without it. */
const LIMIT_STORE_WAIT_MS = 3000;

/**
 * The one wiring of the service, used by main.ts and by the tests: opens (creating and migrating
 * when needed) the user database, seeds the administrator and the page's demo user, and builds the
 * HTTP app. It does not listen.
 */
export async function buildAuthService(
  config: Config,
  overrides: AuthServiceOverrides = {},
): Promise<AuthService> {
  const logger = overrides.logger ?? createLogger('authentication-service', config.LOG_LEVEL);
  const resources = createResources(logger);
  const db = resources.own(
    'postgresql',
    await connectWithRetry(
      'postgresql',
      () =>
        openUserDatabase({
          url: config.DATABASE_URL,
          logger,
          statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
          connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
          max: config.DB_POOL_MAX,
        }),
      logger,
    ),
    (pool) => pool.close(),
  );
  try {
    const passwords = await createPasswordHasher(config.BCRYPT_COST);
    const users = createUserStore(db);
    const seedDeps = {
      users,
      passwords,
      record: createSeedRecord(db),
      logger,
      localDevelopment: isLocalDevelopment(config),
    };
    await seedAdmin(seedDeps, {
      email: config.SEED_EMAIL,
      password: config.SEED_PASSWORD,
      firstName: config.SEED_FIRST_NAME,
      lastName: config.SEED_LAST_NAME,
    });
    await seedDemoUser(seedDeps);
    const limits =
      overrides.limits ??
      resources.own(
        'limit store',
        createRedisLimitStore({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, logger }),
        (store) => store.close(),
      );
    // The service starts without the store too, and refuses logins (503) until it answers.
    if (!(await limits.waitReady(LIMIT_STORE_WAIT_MS))) {
      logger.warn('the limit store (REDIS_URL) does not answer yet: logins are refused until it does');
    }
    const throttle = createLoginThrottle(
      {
        windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
        failuresPerAccountAndAddress: config.RATE_LIMIT_ACCOUNT_ADDRESS_FAILURES,
        failuresPerAddress: config.RATE_LIMIT_ADDRESS_FAILURES,
        accountFailuresBeforeDelay: config.RATE_LIMIT_ACCOUNT_FAILURES,
      },
      limits,
    );
    const app = createApp({
      logger,
      metrics: createMetrics('authentication-service'),
      db,
      users,
      passwords,
      throttle,
      trustedProxies: config.TRUSTED_PROXIES,
    });
    return { app, logger, db, close: resources.close };
  } catch (err) {
    await resources.close().catch(() => {});
    throw err;
  }
}
