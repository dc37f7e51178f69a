import http from 'node:http';
import { eventTopology } from '@suite/proto';
import { closeHttpServer, createMetrics, type Logger, listen, type Registry } from '@suite/toolbox';
import { createApp } from './app.js';
import { createLogStore } from './clients/log-store.js';
import type { Config } from './config.js';
import { type EventConsumer, startEventConsumer } from './consumer/consumer.js';
import { createMessageHandler } from './consumer/handler.js';
import { createListenerMetrics, type ListenerMetrics } from './metrics.js';

export interface Listener {
  /** Port of the health and metrics server (useful with PORT=0). */
  port: number;
  url: string;
  consumer: EventConsumer;
  metrics: ListenerMetrics;
  registry: Registry;
  /** Stops consuming, drains and settles in-flight messages, then closes every client and the HTTP server. */
  stop(): Promise<void>;
}

/**
 * Builds and starts the whole listener: logger client, AMQP consumer and health server. Returns as
 * soon as the health server listens; /readyz turns 200 once RabbitMQ is reachable and the consumer
 * is registered.
 */
export async function startListener(config: Config, logger: Logger): Promise<Listener> {
  const httpMetrics = createMetrics('listener-service');
  const metrics = createListenerMetrics(httpMetrics.registry);
  const topology = eventTopology({ exchange: config.EXCHANGE_NAME, queue: config.QUEUE_NAME });
  const store = createLogStore({
    transport: config.LOGGER_TRANSPORT,
    rpcAddress: config.LOGGER_RPC_ADDR,
    grpcAddress: config.LOGGER_GRPC_ADDR,
  });
  const handle = createMessageHandler({
    store,
    logger,
    topology,
    maxAttempts: config.MAX_ATTEMPTS,
    retryBaseMs: config.RETRY_BASE_MS,
    retryMaxMs: config.RETRY_MAX_MS,
  });
  const consumer = startEventConsumer({
    url: config.RABBIT_URL,
    topology,
    prefetch: config.PREFETCH,
    handle,
    logger,
    metrics,
  });
  const server = http.createServer(createApp({ logger, metrics: httpMetrics, consumer }));
  let port: number;
  try {
    port = await listen(server, config.PORT);
  } catch (err) {
    await consumer.stop();
    await store.close();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    consumer,
    metrics,
    registry: httpMetrics.registry,
    stop() {
      stopping ??= (async () => {
        await consumer.stop();
        await store.close();
        await closeHttpServer(server);
      })();
      return stopping;
    },
  };
}
