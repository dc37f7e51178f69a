import type { ConfirmChannel, ConsumeMessage, Message, Options } from 'amqplib';
import type { ProtoLogger } from '../logger.js';
import { openEventChannel } from './channel.js';
import type { EventTopology } from './topology.js';

/** The channel operations a handler needs, bound to the channel that delivered the message. */
export interface SettleChannel {
  ack(message: Message): void;
  nack(message: Message, requeue: boolean): void;
  /** Resolves once RabbitMQ confirmed the publish. */
  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void>;
}

/** Settles every message it is given (ack, or a confirmed copy then ack); the consumer only tracks it. */
export type DeliveryHandler = (message: ConsumeMessage, channel: SettleChannel) => Promise<void>;

export interface EventConsumer {
  isConnected(): boolean;
  isConsuming(): boolean;
  inFlight(): number;
  /** Cancels the consumer, lets in-flight messages finish and settle, then closes channel and connection. */
  stop(): Promise<void>;
}

export interface EventConsumerOptions {
  url: string;
  topology: EventTopology;
  /** Unacknowledged messages RabbitMQ hands over at once, which is also how many are handled at once. */
  prefetch: number;
  handle: DeliveryHandler;
  logger: ProtoLogger;
  /** Shown by `rabbitmqctl list_connections client_properties` and the management UI. */
  connectionName?: string;
}

/**
 * Deliveries are settled on the channel that delivered them: a delivery tag means nothing on another.
 *
 * Acks are coalesced: a message acked by its handler is only marked, and once per turn of the event
 * loop one `ack(multiple)` frame covers every tag up to the lowest one still unsettled. A tag whose
 * event is not yet stored is never covered, whatever later tags did. Nacks go out at once, alone.
 */
export function settleChannel(channel: Pick<ConfirmChannel, 'ack' | 'nack' | 'publish'>): SettleChannel & {
  /** Tells the tracker a delivery arrived; tags must come in the order the channel delivered them. */
  delivered(message: Message): void;
  /** Sends the coalesced ack now (at shutdown, before the channel closes). */
  flush(): void;
} {
  /** Delivery tags not yet sent to RabbitMQ as settled, in delivery order, with their state. */
  const open = new Map<number, 'waiting' | 'acked' | 'nacked'>();
  /** The acked deliveries awaiting the coalesced ack, by tag: the ack names the delivery itself. */
  const acked = new Map<number, Message>();
  let flushScheduled = false;

  function flush(): void {
    flushScheduled = false;
    let highestAcked: number | undefined;
    let message: Message | undefined;
    // Map iteration follows insertion order, which is delivery (ascending tag) order.
    for (const [tag, state] of open) {
      if (state === 'waiting') break;
      open.delete(tag);
      if (state === 'acked') {
        highestAcked = tag;
        // The delivery as amqplib handed it over, which a tracing instrumentation ends its span by.
        message = acked.get(tag);
        acked.delete(tag);
      }
    }
    // Every tag up to highestAcked is now acked or was nacked already (RabbitMQ skips those).
    if (highestAcked === undefined || message === undefined) return;
    try {
      channel.ack(message, true);
    } catch {
      // The channel is gone, and with it these deliveries: RabbitMQ redelivers them and the event
      // ids keep the logger from storing them twice.
    }
  }

  return {
    flush,
    delivered(message) {
      open.set(message.fields.deliveryTag, 'waiting');
    },
    ack(message) {
      const tag = message.fields.deliveryTag;
      if (open.get(tag) !== 'waiting') {
        // Not tracked (delivered before tracking began): settle it on its own.
        channel.ack(message);
        return;
      }
      open.set(tag, 'acked');
      acked.set(tag, message);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    nack(message, requeue) {
      const tag = message.fields.deliveryTag;
      channel.nack(message, false, requeue);
      if (open.get(tag) === 'waiting') open.set(tag, 'nacked');
    },
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
 * The consumer side of the event bus (beside the publisher, over the same channel set-up): on every
 * fresh channel it sets the prefetch and registers a consumer on the topology's queue with manual
 * acks; each delivery goes to `handle`, up to `prefetch` at once.
 */
export function startEventConsumer(options: EventConsumerOptions): EventConsumer {
  const { topology, prefetch, handle } = options;
  const logger = options.logger.child({ component: 'consumer', queue: topology.queue });
  const pending = new Set<Promise<void>>();
  let active: { channel: ConfirmChannel; consumerTag: string; settle: { flush(): void } } | undefined;
  let stopping = false;

  function onDelivery(message: ConsumeMessage, settle: SettleChannel): void {
    const work = handle(message, settle)
      .catch((err: unknown) => {
        // Handlers settle every message themselves; reaching here is a bug, and the message is
        // redelivered when the channel closes.
        logger.error({ err }, 'message handler failed');
      })
      .finally(() => pending.delete(work));
    pending.add(work);
  }

  const bus = openEventChannel({
    url: options.url,
    connectionName: options.connectionName ?? `listener-service ${topology.queue}`,
    logger,
    topology,
    onOpen: async (channel) => {
      if (stopping) return;
      await channel.prefetch(prefetch);
      const settle = settleChannel(channel);
      const { consumerTag } = await channel.consume(
        topology.queue,
        (message) => {
          if (message) {
            settle.delivered(message);
            return onDelivery(message, settle);
          }
          // RabbitMQ cancelled the consumer (e.g. the queue was deleted): a fresh channel re-declares it.
          logger.warn({}, 'consumer cancelled by RabbitMQ, reopening the channel');
          channel.close().catch(() => undefined);
        },
        { noAck: false },
      );
      active = { channel, consumerTag, settle };
      logger.info({ prefetch, consumerTag }, 'consuming');
    },
  });

  return {
    isConnected: bus.isConnected,
    isConsuming: () => !stopping && bus.isReady(),
    inFlight: () => pending.size,
    async stop() {
      if (stopping) return;
      stopping = true;
      const current = active;
      active = undefined;
      if (current) {
        await current.channel
          .cancel(current.consumerTag)
          .catch((err: Error) => logger.debug({ err: err.message }, 'cancel failed'));
      }
      logger.info({ inFlight: pending.size }, 'consumer cancelled, draining in-flight messages');
      while (pending.size > 0) await Promise.allSettled([...pending]);
      current?.settle.flush();
      await bus.close();
    },
  };
}
