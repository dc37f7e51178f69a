import amqp, { type AmqpConnectionManager } from 'amqp-connection-manager';
import type { ProtoLogger } from '../logger.js';

export interface RabbitConnectionOptions {
  url: string;
  /** Shown in RabbitMQ's connection list, so an operator (or a test) can tell producers and consumers apart. */
  connectionName: string;
  logger: ProtoLogger;
  /** Extra fields for the "connected" line. */
  details?: Record<string, unknown>;
  onDisconnect?: () => void;
}

export interface RabbitConnection {
  manager: AmqpConnectionManager;
  /** Why the connection is (or last was) down, for error messages and readiness. */
  lastFailure(): string;
}

/** One long-lived, self-reconnecting RabbitMQ connection with the suite's standard logging. */
export function connectToRabbit(options: RabbitConnectionOptions): RabbitConnection {
  const { url, connectionName, logger } = options;
  // A dead peer is noticed within two heartbeats; a lost connection is retried every second.
  const manager = amqp.connect([url], {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: 1,
    connectionOptions: { clientProperties: { connection_name: connectionName } },
  });
  let lastFailure = 'not connected yet';
  manager.on('connect', () => logger.info(options.details ?? {}, 'connected to RabbitMQ'));
  manager.on('disconnect', ({ err }) => {
    lastFailure = err?.message ?? 'connection lost';
    options.onDisconnect?.();
    logger.warn({ err: lastFailure }, 'disconnected from RabbitMQ, reconnecting');
  });
  manager.on('connectFailed', ({ err }) => {
    lastFailure = err?.message ?? 'connection failed';
    logger.debug({ err: lastFailure }, 'RabbitMQ connection attempt failed');
  });
  return { manager, lastFailure: () => lastFailure };
}
