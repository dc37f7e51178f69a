import { connectWithRetry, createLogger, createMetrics, createResources, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import type { MongoClient } from 'mongodb';
import { createAdminRightCheck } from './admin/right-check.js';
import { sessionSecretOrRandom } from './admin/secrets.js';
import { createAdminSessions } from './admin/session.js';
import { createMongoSessionStore, type SessionStore } from './admin/session-store.js';
import { createApp } from './app.js';
import { type AuthClient, createAuthClient } from './clients/auth.js';
import type { Config } from './config.js';
import { type GrpcServer, startGrpcServer } from './grpc/server.js';
import { type RpcServer, startRpcServer } from './rpc/server.js';
import { countWrites, createWriteCounter } from './store/counted.js';
import { createLogStore, type LogStore } from './store/logs.js';
import { createMongoClient, databaseNameFromUrl } from './store/mongo.js';

/** What a test may replace; production passes none of these. */
export interface LoggerServiceOverrides {
  logger?: Logger;
  /** Stand in for MongoDB (unit tests); the service then opens no MongoDB connection. */
  store?: LogStore;
  sessions?: SessionStore;
  /** The clock sessions expire by. */
  now?: () => Date;
  auth?: AuthClient;
  /** How long close() lets connections finish before cutting them. */
  closeGraceMs?: number;
}

export interface LoggerService {
  /** The HTTP routes; the caller serves them (main.ts on PORT, tests on port 0). */
  app: Express;
  rpc: RpcServer;
  grpc: GrpcServer;
  store: LogStore;
  logger: Logger;
  /** Closes the JSON-RPC and gRPC servers (in-flight calls answered), then the clients. */
  close(): Promise<void>;
}

/** The one wiring of the logger: MongoDB store, write counting per transport, and the three transports. */
export async function buildLoggerService(
  config: Config,
  overrides: LoggerServiceOverrides = {},
): Promise<LoggerService> {
  const logger = overrides.logger ?? createLogger('logger-service', config.LOG_LEVEL);
  const { own, close } = createResources(logger);
  let { store, sessions } = overrides;
  if (!store || !sessions) {
    const mongo = own(
      'mongodb',
      createMongoClient(config.MONGO_URL, {
        serverSelectionTimeoutMS: config.MONGO_SERVER_SELECTION_TIMEOUT_MS,
        operationTimeoutMS: config.MONGO_OPERATION_TIMEOUT_MS,
      }),
      (client) => client.close(),
    );
    const db = mongo.db(databaseNameFromUrl(config.MONGO_URL));
    store ??= createLogStore(db, { retentionDays: config.LOG_RETENTION_DAYS });
    sessions ??= createMongoSessionStore(db);
  }
  try {
    const [logs, sessionStore] = [store, sessions];
    await connectWithRetry(
      'mongodb',
      async () => {
        await logs.init();
        await sessionStore.init();
      },
      logger,
    );
    // A client handed in is closed too, as the one built here would be.
    const auth = own(
      'authentication-service',
      overrides.auth ?? createAuthClient(config.AUTH_SERVICE_URL),
      (client) => client.close(),
    );

    const metrics = createMetrics('logger-service');
    const writes = createWriteCounter(metrics.registry);
    const rpc = await startRpcServer({
      store: countWrites(store, writes, 'rpc'),
      logger,
      port: config.RPC_PORT,
      host: config.BIND_HOST,
      limits: config,
      closeGraceMs: overrides.closeGraceMs,
    });
    own('json-rpc', rpc, (server) => server.close());
    const grpc = await startGrpcServer({
      store: countWrites(store, writes, 'grpc'),
      logger,
      port: config.GRPC_PORT,
      host: config.BIND_HOST,
      maxConnections: config.GRPC_MAX_CONNECTIONS,
    });
    own('grpc', grpc, (server) => server.close(overrides.closeGraceMs));
    const now = overrides.now ?? (() => new Date());
    const app = createApp({
      store: countWrites(store, writes, 'http'),
      auth,
      logger,
      metrics,
      trustedProxies: config.TRUSTED_PROXIES,
      traceViewUrl: config.TRACE_VIEW_URL,
      checkAdminRight: createAdminRightCheck({
        auth,
        store: sessionStore,
        intervalMs: config.ADMIN_RIGHT_CHECK_SECONDS * 1000,
        now,
        logger,
      }),
      sessions: createAdminSessions({
        secret: sessionSecretOrRandom(config.SESSION_SECRET, logger),
        idleMs: config.SESSION_IDLE_MINUTES * 60_000,
        absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
        alwaysSecure: config.SESSION_COOKIE_SECURE,
        trustedProxies: config.TRUSTED_PROXIES,
        store: sessionStore,
        now,
      }),
    });
    return { app, rpc, grpc, store, logger, close };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
