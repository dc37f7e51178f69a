import { type EventConsumer, eventTopology, startEventConsumer } from '@suite/proto';
import { createLogger, createMetrics, createResources, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import { createApp } from './app.js';
import { createLoggerClient, type LoggerClient } from './clients/logger.js';
import type { Config } from './config.js';
import { createMessageHandler, type Outcome } from './handler.js';
import { createListenerMetrics, type ListenerMetrics } from './metrics.js';

/** What a test may replace; production passes none of these. */
export interface ListenerOverrides {
  logger?: Logger;
  /** Stands in for the logger-service; the listener then opens no logger connection. */
  loggerClient?: LoggerClient;
}

export interface Listener {
  /** Health and metrics routes; the caller serves them (main.ts on PORT, tests on port 0). */
  app: Express;
  consumer: EventConsumer;
  metrics: ListenerMetrics;
  logger: Logger;
  /** Stops consuming, lets in-flight messages be stored and settled, then closes the logger client. */
  close(): Promise<void>;
}

/**
 * The one wiring of the listener: the logger client, the message handler and the AMQP consumer
 * (which connects, and reconnects, in the background; /readyz says when it consumes).
 */
export function buildListener(config: Config, overrides: ListenerOverrides = {}): Listener {
  const logger = overrides.logger ?? createLogger('listener-service', config.LOG_LEVEL);
  const httpMetrics = createMetrics('listener-service');
  const metrics = createListenerMetrics(httpMetrics.registry);
  const topology = eventTopology({ exchange: config.EXCHANGE_NAME, queue: config.QUEUE_NAME });
  const { own, close } = createResources(logger);
  // A client handed in is closed too, after the consumer stopped handing it events.
  const loggerClient = own(
    'logger client',
    overrides.loggerClient ??
      createLoggerClient({
        transport: config.LOGGER_TRANSPORT,
        rpcAddress: config.LOGGER_RPC_ADDR,
        grpcAddress: config.LOGGER_GRPC_ADDR,
      }),
    (client) => client.close(),
  );
  const handle = createMessageHandler({
    loggerClient,
    logger,
    topology,
    retryBaseMs: config.RETRY_BASE_MS,
    retryMaxMs: config.RETRY_MAX_MS,
  });
  const record = (outcome: Outcome) => {
    if (outcome.kind === 'stored') metrics.stored.inc();
    else if (outcome.kind === 'retried') metrics.retried.inc();
    else if (outcome.kind === 'dead') metrics.deadLettered.inc({ reason: outcome.reason });
    else logger.warn({ detail: outcome.detail }, 'delivery left for redelivery');
  };
  // Stopped first: in-flight messages are stored and settled before the logger client closes.
  const consumer = own(
    'rabbitmq consumer',
    startEventConsumer({
      url: config.RABBIT_URL,
      topology,
      prefetch: config.PREFETCH,
      logger,
      handle: async (message, channel) => {
        metrics.consumed.inc();
        metrics.inFlight.inc();
        try {
          record(await handle(message, channel));
        } finally {
          metrics.inFlight.dec();
        }
      },
    }),
    (started) => started.stop(),
  );
  const app = createApp({ logger, metrics: httpMetrics, consumer });

  return { app, consumer, metrics, logger, close };
}
