import {
  assertEventTopology,
  connectToRabbit,
  type EventTopology,
  recycleConnectionOnChannelLoss,
} from '@suite/proto';
import type { Logger } from '@suite/toolbox';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ListenerMetrics } from '../metrics.js';
import type { MessageHandler, Outcome, SettleChannel } from './handler.js';

export interface EventConsumer {
  isConnected(): boolean;
  isConsuming(): boolean;
  /** Resolves once a consumer is registered on the queue (first connection or after a reconnect). */
  whenConsuming(): Promise<void>;
  inFlight(): number;
  /** Cancels the consumer, lets in-flight messages finish and settle, then closes channel and connection. */
  stop(): Promise<void>;
}

export interface EventConsumerOptions {
  url: string;
  topology: EventTopology;
  prefetch: number;
  handle: MessageHandler;
  logger: Logger;
  metrics: ListenerMetrics;
  /** Shown by `rabbitmqctl list_connections client_properties` and the management UI. */
  connectionName?: string;
}

/** Deliveries are settled on the channel that delivered them: a delivery tag means nothing on another. */
function settleChannel(channel: ConfirmChannel): SettleChannel {
  return {
    ack: (message) => channel.ack(message),
    nack: (message, requeue) => channel.nack(message, false, requeue),
    publish: (exchange, routingKey, content, options) =>
      new Promise((resolve, reject) => {
        try {
          channel.publish(exchange, routingKey, content, options, (err) => (err ? reject(err) : resolve()));
        } catch (err) {
          reject(err);
        }
      }),
  };
}

/**
 * A long-lived connection whose channel setup (re-run by amqp-connection-manager after every
 * reconnect) declares the topology, sets the prefetch and registers the consumer. Up to `prefetch`
 * messages are processed concurrently.
 */
export function startEventConsumer(options: EventConsumerOptions): EventConsumer {
  const {
    url,
    topology,
    prefetch,
    handle,
    logger,
    metrics,
    connectionName = `listener-service ${topology.queue}`,
  } = options;
  const log = logger.child({ component: 'consumer', queue: topology.queue });
  const pending = new Set<Promise<void>>();
  let active: { channel: ConfirmChannel; consumerTag: string } | undefined;
  let stopping = false;
  let consumingWaiters: Array<() => void> = [];

  const { manager } = connectToRabbit({
    url,
    connectionName,
    logger: log,
    onDisconnect: () => {
      active = undefined;
    },
  });

  function record(outcome: Outcome): void {
    switch (outcome.kind) {
      case 'stored':
        metrics.stored.inc();
        return;
      case 'retried':
        metrics.retried.inc();
        return;
      case 'dead':
        metrics.deadLettered.inc({ reason: outcome.reason });
        return;
      case 'abandoned':
        log.warn({ detail: outcome.detail }, 'delivery left for redelivery');
    }
  }

  function onDelivery(message: ConsumeMessage, settle: SettleChannel): void {
    metrics.consumed.inc();
    metrics.inFlight.inc();
    const work = handle(message, settle)
      .then(record, (err: unknown) => {
        // The handler settles every message itself; reaching here is a bug, and the message is
        // redelivered when the channel closes.
        log.error({ err }, 'message handler failed');
      })
      .finally(() => {
        metrics.inFlight.dec();
        pending.delete(work);
      });
    pending.add(work);
  }

  const channel: ChannelWrapper = manager.createChannel({
    json: false,
    confirm: true,
    setup: async (ch: ConfirmChannel) => {
      recycleConnectionOnChannelLoss({
        manager,
        channel: ch,
        logger: log,
        isClosing: () => stopping,
        onLost: () => {
          if (active?.channel === ch) active = undefined;
        },
      });
      await assertEventTopology(ch, topology);
      if (stopping) return;
      await ch.prefetch(prefetch);
      const settle = settleChannel(ch);
      const { consumerTag } = await ch.consume(
        topology.queue,
        (message) => {
          if (message) return onDelivery(message, settle);
          // RabbitMQ cancelled the consumer (e.g. the queue was deleted): a fresh channel re-declares it.
          log.warn('consumer cancelled by RabbitMQ, reopening the channel');
          if (active?.channel === ch) active = undefined;
          ch.close().catch(() => undefined);
        },
        { noAck: false },
      );
      active = { channel: ch, consumerTag };
      log.info({ prefetch, consumerTag }, 'consuming');
      const waiters = consumingWaiters;
      consumingWaiters = [];
      for (const wake of waiters) wake();
    },
  });
  channel.on('error', (err: Error) => log.error({ err: err.message }, 'consumer channel setup failed'));

  const isConsuming = () => !stopping && manager.isConnected() && active !== undefined;

  return {
    isConnected: () => manager.isConnected(),
    isConsuming,
    whenConsuming: () =>
      isConsuming() ? Promise.resolve() : new Promise<void>((resolve) => consumingWaiters.push(resolve)),
    inFlight: () => pending.size,
    async stop() {
      if (stopping) return;
      stopping = true;
      const current = active;
      active = undefined;
      if (current) {
        await current.channel
          .cancel(current.consumerTag)
          .catch((err: Error) => log.debug({ err: err.message }, 'cancel failed'));
      }
      log.info({ inFlight: pending.size }, 'consumer cancelled, draining in-flight messages');
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await channel.close().catch((err: Error) => log.debug({ err: err.message }, 'channel close failed'));
      await manager.close();
    },
  };
}
