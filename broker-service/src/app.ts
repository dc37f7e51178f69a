import type { LogGrpcClient, LogRpcClient } from '@suite/proto';
import { createHttpApp, createMetrics, type Logger } from '@suite/toolbox';
import cors from 'cors';
import type { Express } from 'express';
import type { AuthClient } from './clients/auth.js';
import type { LoggerHttpClient } from './clients/logger-http.js';
import type { MailClient } from './clients/mail.js';
import { createBestEffortEvents, type EventPublisher } from './events.js';
import { peerErrorsToHttp } from './peer-errors.js';
import { brokerHitHandler } from './routes/broker.js';
import { handleHandler } from './routes/handle.js';
import { logGrpcHandler } from './routes/log-grpc.js';

export const SERVICE = 'broker-service';

export interface BrokerDeps {
  logger: Logger;
  auth: AuthClient;
  mail: MailClient;
  loggerHttp: LoggerHttpClient;
  loggerRpc: Pick<LogRpcClient, 'logInfo'>;
  loggerGrpc: Pick<LogGrpcClient, 'writeLog'>;
  events: EventPublisher;
  /** Origins whose pages may call the broker; `*` allows any. */
  corsOrigins: readonly string[];
  bodyLimit?: string | number;
}

export function createApp(deps: BrokerDeps): Express {
  const metrics = createMetrics(SERVICE);
  const bestEffort = createBestEffortEvents(deps.events, metrics.registry, deps.logger);
  const hit = brokerHitHandler(deps.events);
  return createHttpApp({
    service: SERVICE,
    logger: deps.logger,
    metrics,
    bodyLimit: deps.bodyLimit ?? '100kb',
    readiness: {
      rabbitmq: async () => {
        if (!deps.events.isConnected()) throw new Error('not connected to RabbitMQ');
      },
      logger: () => deps.loggerHttp.ping(),
    },
    // Before the body parser, so a page can read the 400/413 it answers.
    beforeBody: (app) =>
      app.use(
        cors({
          origin: deps.corsOrigins.includes('*') ? '*' : [...deps.corsOrigins],
          methods: ['GET', 'POST', 'OPTIONS'],
          allowedHeaders: ['Content-Type', 'X-Request-Id'],
          exposedHeaders: ['X-Request-Id', 'Retry-After'],
          maxAge: 600,
        }),
      ),
    routes: (app) => {
      app.get('/', hit);
      app.post('/', hit);
      app.post('/handle', handleHandler({ ...deps, bestEffort }));
      app.post('/log-grpc', logGrpcHandler(deps.loggerGrpc));
      app.use(peerErrorsToHttp);
    },
  });
}
