import {
  connectWithRetry,
  createHttpClient,
  createLogger,
  createMetrics,
  runMain,
  serveHttp,
} from '@suite/toolbox';
import { createApp, parseTrustProxy } from './app.js';
import { createLoginThrottle } from './auth/throttle.js';
import { createActivityLog } from './clients/activity-log.js';
import { readConfig } from './config.js';
import { openUserDatabase } from './db/open.js';
import { createPasswordHasher } from './users/passwords.js';
import { seedUser } from './users/seed.js';
import { createUserStore } from './users/store.js';

runMain('authentication-service', async () => {
  const config = readConfig();
  const logger = createLogger('authentication-service', config.LOG_LEVEL);
  const db = await connectWithRetry(
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
  );
  const passwords = await createPasswordHasher(config.BCRYPT_COST);
  await seedUser(
    createUserStore(db),
    passwords,
    {
      email: config.SEED_EMAIL,
      password: config.SEED_PASSWORD,
      firstName: config.SEED_FIRST_NAME,
      lastName: config.SEED_LAST_NAME,
    },
    logger,
  );
  const metrics = createMetrics('authentication-service');
  const loggerHttp = createHttpClient({
    service: 'logger-service',
    baseURL: config.LOGGER_SERVICE_URL,
    timeoutMs: config.LOGGER_TIMEOUT_MS,
  });
  const activity = createActivityLog({ http: loggerHttp, logger, registry: metrics.registry });
  const throttle = createLoginThrottle({
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    failuresPerEmail: config.RATE_LIMIT_EMAIL_FAILURES,
    failuresPerIp: config.RATE_LIMIT_IP_FAILURES,
  });
  const trustProxy = parseTrustProxy(config.TRUST_PROXY);
  const app = createApp({ logger, metrics, db, passwords, throttle, activity, trustProxy });
  await serveHttp(app, {
    port: config.PORT,
    logger,
    closeAfter: [
      ['activity log', () => activity.drain().finally(() => loggerHttp.close())],
      ['postgresql', () => db.close()],
    ],
  });
});
