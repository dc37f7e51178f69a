import { createHttpApp, type HttpMetrics, type Logger } from '@suite/toolbox';
import type { Express } from 'express';

export interface AppDeps {
  logger: Logger;
  metrics: HttpMetrics;
  consumer: { isConnected(): boolean; isConsuming(): boolean };
}

/** Health and metrics only: the listener's real work arrives over AMQP, not HTTP. */
export function createApp(deps: AppDeps): Express {
  const { consumer } = deps;
  return createHttpApp({
    service: 'listener-service',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: {
      rabbitmq: async () => {
        if (!consumer.isConnected()) throw new Error('not connected to RabbitMQ');
      },
      consumer: async () => {
        if (!consumer.isConsuming()) throw new Error('not consuming');
      },
    },
  });
}
