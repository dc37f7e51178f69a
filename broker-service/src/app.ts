import {
  createHttpApp,
  type HttpMetrics,
  type Logger,
  PEER_FAILURE_STATUS,
  type TrustedProxies,
} from '@suite/toolbox';
import cors from 'cors';
import type { Express } from 'express';
import { brokerRoutes } from './routes/broker.js';
import { type DependencyChecks, dependencyRoutes } from './routes/dependencies.js';
import { type HandleDeps, handleRoutes } from './routes/handle.js';
import { logGrpcRoutes } from './routes/log-grpc.js';

export const SERVICE = 'broker-service';

export interface BrokerDeps extends HandleDeps {
  logger: Logger;
  metrics: HttpMetrics;
  /** Proxies whose X-Forwarded-For names the client (for the mail limit and what the peers are told). */
  trustedProxies: TrustedProxies;
  /** Origins whose pages may call the broker; `*` allows any. */
  corsOrigins: readonly string[];
  /** The peers reported on `GET /health/dependencies`. */
  dependencies: DependencyChecks;
  /** Longest wait for one dependency check. */
  dependencyTimeoutMs: number;
}

/** The broker's HTTP routes; everything it calls is built by `buildBroker` and handed in. */
export function createApp(deps: BrokerDeps): Express {
  return createHttpApp({
    service: SERVICE,
    logger: deps.logger,
    metrics: deps.metrics,
    trustedProxies: deps.trustedProxies,
    // A failed peer (HTTP, JSON-RPC, gRPC, RabbitMQ) is answered by the toolbox's default HTTP table,
    // a gateway's: 502 unreachable or refused, 504 timeout, 503 overloaded (our own bound), 400 invalid.
    failureStatus: PEER_FAILURE_STATUS,
    // Every route answers (at worst naming the failing peer) with any one peer down, so readiness needs none.
    readiness: {},
    // Before the body parser, so a page can read the 400/413 it answers.
    beforeBody: (app) =>
      app.use(
        cors({
          origin: deps.corsOrigins.includes('*') ? '*' : [...deps.corsOrigins],
          methods: ['GET', 'POST', 'OPTIONS'],
          allowedHeaders: ['Content-Type', 'X-Request-Id'],
          exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-Trace-Id'],
          maxAge: 600,
        }),
      ),
    routes: (app) => {
      // On the app itself, not each in a Router of its own: a request walked every router mounted
      // before its own, and leaving one without a match cost a turn of the event loop.
      handleRoutes(app, deps);
      brokerRoutes(app, deps.events);
      logGrpcRoutes(app, deps.loggerGrpc);
      dependencyRoutes(app, deps.dependencies, deps.dependencyTimeoutMs);
    },
  });
}
