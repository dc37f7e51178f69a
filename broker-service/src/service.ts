import {
  createEventPublisher,
  createLogRpcClient,
  createLogStreamClient,
  type LogGrpcClient,
  type LogRpcClient,
} from '@suite/proto';
import { createHttpClient, createLogger, createMetrics, createResources, type Logger } from '@suite/toolbox';
import { createRedisLimitStore, type LimitStore } from '@suite/toolbox/limits';
import type { Express } from 'express';
import { createApp, SERVICE } from './app.js';
import { createAuditTrail } from './audit.js';
import { AUTH_SERVICE, type AuthClient, createAuthClient } from './clients/auth.js';
import { createLoggerHttpClient, LOGGER_SERVICE, type LoggerHttpClient } from './clients/logger-http.js';
import { createMailClient, MAIL_SERVICE, type MailClient } from './clients/mail.js';
import type { Config } from './config.js';
import type { EventPublisher } from './events.js';
import { createMailLimit } from './mail-limit.js';

/** What a test may put in place of a real peer client; the caller closes what it hands in. */
export interface BrokerOverrides {
  logger?: Logger;
  auth?: AuthClient;
  mail?: MailClient;
  loggerHttp?: LoggerHttpClient;
  loggerRpc?: Pick<LogRpcClient, 'logInfo'>;
  loggerGrpc?: Pick<LogGrpcClient, 'writeLog'>;
  events?: EventPublisher;
  /** Where the mail limit counts; default Redis at REDIS_URL. */
  limits?: LimitStore;
}

export interface Broker {
  app: Express;
  logger: Logger;
  /** Call after the HTTP server stopped taking requests: drains the audit queue, then closes every client. */
  close(): Promise<void>;
}

/** Authentication events held while RabbitMQ is slow or down (about 300 bytes each). */
const AUDIT_QUEUE_CAPACITY = 1000;
/** Longest wait at shutdown for the audit queue to empty. */
const AUDIT_DRAIN_MS = 3000;

/**
 * The broker's one wiring, used by `main.ts` and the tests: every client is built here once
 * (keep-alive HTTP pools, one JSON-RPC connection, one gRPC channel and stream, one RabbitMQ connection) unless
 * an override is given.
 */
export function buildBroker(config: Config, overrides: BrokerOverrides = {}): Broker {
  const logger = overrides.logger ?? createLogger(SERVICE, config.LOG_LEVEL);
  // What the broker builds it closes; what a test hands in, the test closes.
  const { own, close } = createResources(logger);
  const timeoutMs = config.DOWNSTREAM_TIMEOUT_MS;
  const httpPeer = (service: string, baseURL: string, peerTimeoutMs = timeoutMs) =>
    own(service, createHttpClient({ service, baseURL, timeoutMs: peerTimeoutMs }), (c) => c.close());

  const auth = overrides.auth ?? createAuthClient(httpPeer(AUTH_SERVICE, config.AUTH_SERVICE_URL));
  // Mail may take a retry inside the mail-service, so it gets its own, longer timeout.
  const mail =
    overrides.mail ??
    createMailClient(httpPeer(MAIL_SERVICE, config.MAIL_SERVICE_URL, config.MAIL_TIMEOUT_MS));
  const loggerHttp =
    overrides.loggerHttp ?? createLoggerHttpClient(httpPeer(LOGGER_SERVICE, config.LOGGER_SERVICE_URL));
  const loggerRpc =
    overrides.loggerRpc ??
    own('logger rpc', createLogRpcClient({ address: config.LOGGER_RPC_ADDR, timeoutMs }), (c) => c.close());
  // Entries travel on one long-lived WriteLogStream, each answered on its own (unary WriteLog
  // against a logger without it).
  const loggerGrpc =
    overrides.loggerGrpc ??
    own('logger grpc', createLogStreamClient({ address: config.LOGGER_GRPC_ADDR, timeoutMs }), (c) =>
      c.close(),
    );
  // Connects (and reconnects) in the background; until then publishes fail at once.
  const events =
    overrides.events ??
    own(
      'rabbitmq',
      createEventPublisher({
        url: config.RABBIT_URL,
        logger,
        publishTimeoutMs: timeoutMs,
        exchange: config.EXCHANGE_NAME,
        queue: config.QUEUE_NAME,
      }),
      (c) => c.close(),
    );

  // Connects (and reconnects) in the background; until then mail is refused with a 503.
  const limits =
    overrides.limits ??
    own(
      'limit store',
      createRedisLimitStore({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, logger }),
      (store) => store.close(),
    );

  const metrics = createMetrics(SERVICE);
  // Owned last, so closed first: the queued login events go out while the publisher still runs.
  const audit = own(
    'audit',
    createAuditTrail({ events, registry: metrics.registry, logger, capacity: AUDIT_QUEUE_CAPACITY }),
    (trail) => trail.drain(AUDIT_DRAIN_MS),
  );

  const app = createApp({
    logger,
    metrics,
    auth,
    mail,
    loggerHttp,
    loggerRpc,
    loggerGrpc,
    events,
    audit,
    mailLimit: createMailLimit(config.MAIL_RATE_LIMIT, limits, metrics.registry),
    trustedProxies: config.TRUSTED_PROXIES,
    corsOrigins: config.CORS_ORIGINS,
    dependencies: {
      rabbitmq: async () => {
        if (!events.isConnected()) throw new Error('not connected to RabbitMQ');
      },
      [AUTH_SERVICE]: () => auth.ping(),
      [MAIL_SERVICE]: () => mail.ping(),
      [LOGGER_SERVICE]: () => loggerHttp.ping(),
      redis: () => limits.ping(),
    },
    dependencyTimeoutMs: Math.min(timeoutMs, 2000),
  });

  return { app, logger, close };
}
