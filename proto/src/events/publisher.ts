import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { PeerError, type PeerErrorKind } from '../errors.js';
import type { ProtoLogger } from '../logger.js';
import { AMQP_REQUEST_ID_HEADER, type LogRoutingKey } from '../names.js';
import { describeIssues, logEventSchema } from '../schemas.js';
import { openEventChannel } from './channel.js';
import { eventTopology } from './topology.js';

/** amqplib's error for a confirm that came back as a nack. */
const NACKED = 'message nacked';

export type EventSeverity = 'INFO' | 'WARNING' | 'ERROR';

export interface PublishOptions {
  /** Picks the routing key `log.<severity>`; INFO when absent. */
  severity?: EventSeverity;
  /** Becomes the AMQP message id that consumers deduplicate on; a fresh UUID when absent. */
  eventId?: string;
  /** The request that caused the event, carried in the `x-request-id` header. */
  requestId?: string;
}

export interface EventPublisher {
  /**
   * Resolves once RabbitMQ confirmed the event and routed it to a queue; rejects with a PeerError:
   * `unreachable` at once while disconnected and when the channel closes before the confirm (the
   * event is not sent again), `refused` on a nack or when no queue is bound,
   * `timeout` without a confirm in time, `invalid` for an event that breaks the contract.
   */
  publish(event: { name: string; data: string }, options?: PublishOptions): Promise<{ eventId: string }>;
  isConnected(): boolean;
  /** Readiness check: rejects while the connection to RabbitMQ is down. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface EventPublisherOptions {
  url: string;
  logger: ProtoLogger;
  /** Longest wait for RabbitMQ's confirm before the publish fails as `timeout`. */
  publishTimeoutMs?: number;
  exchange?: string;
  /** The consumers' queue, declared along with the exchange so events are kept before any listener ever ran. */
  queue?: string;
  /** Shown by `rabbitmqctl list_connections client_properties` and the management UI. */
  connectionName?: string;
  /** Named in errors. */
  peer?: string;
}

/**
 * The producer side of the event bus: one long-lived connection and confirm channel for the life
 * of the process. While disconnected, publishes fail at once instead of queueing in memory, so
 * callers can answer at once and nothing is silently lost on a crash. Every publish is
 * `mandatory`: an event no queue takes comes back and fails the publish instead of vanishing.
 * Publishes go straight onto amqplib's confirm channel, whose callback reports the ack, the nack
 * or the channel's close: amqp-connection-manager's own publish would queue each message, run a
 * worker and track it in a list searched on every confirm, all to buffer what we never buffer.
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const {
    url,
    logger,
    publishTimeoutMs = 5000,
    connectionName = 'event-emitter',
    peer = 'rabbitmq',
  } = options;
  const topology = eventTopology({ exchange: options.exchange, queue: options.queue });
  const { exchange } = topology;
  // RabbitMQ sends basic.return before the confirm of the same message, so the publish can tell.
  const returned = new Set<string>();
  // Publishes held back while amqplib's write buffer for the channel is over its high-water mark
  // (its `publish` returned false): each is written on `drain`, or fails when the channel closes.
  const waiting: Array<(channel: ConfirmChannel | undefined) => void> = [];
  let writable = true;
  const flush = (channel: ConfirmChannel | undefined) => {
    if (channel) writable = true;
    let sent = 0;
    while (sent < waiting.length && (writable || !channel)) waiting[sent++]?.(channel);
    // One splice per flush: shift() per item copies the whole line once it is a few thousand long.
    waiting.splice(0, sent);
  };
  const bus = openEventChannel({
    url,
    connectionName,
    logger: logger.child({ component: 'event-emitter' }),
    topology,
    onOpen: async (channel: ConfirmChannel) => {
      returned.clear();
      writable = true;
      channel.on('return', (message: ConsumeMessage) => returned.add(String(message.properties.messageId)));
      channel.on('drain', () => flush(channel));
      channel.on('close', () => flush(undefined));
    },
  });
  let closed = false;

  const fail = (kind: PeerErrorKind, detail: string, cause?: unknown) =>
    new PeerError(peer, kind, detail, { cause });
  const isConnected = () => !closed && bus.isReady();

  return {
    async publish(event, publishOptions = {}) {
      const parsed = logEventSchema.safeParse(event);
      if (!parsed.success) throw fail('invalid', `invalid event: ${describeIssues(parsed.error)}`);
      if (closed) throw fail('unreachable', 'the event emitter is closed');
      const current = bus.channel();
      if (!current) throw fail('unreachable', `not connected to RabbitMQ (${bus.lastFailure()})`);

      const eventId = publishOptions.eventId ?? randomUUID();
      const { requestId } = publishOptions;
      const routingKey: LogRoutingKey = `log.${publishOptions.severity ?? 'INFO'}`;
      const content = Buffer.from(JSON.stringify(parsed.data));
      const properties: Options.Publish = {
        persistent: true,
        mandatory: true,
        messageId: eventId,
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
        type: parsed.data.name,
        headers: requestId ? { [AMQP_REQUEST_ID_HEADER]: requestId } : {},
      };
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (failure?: PeerError) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (failure) reject(failure);
          else resolve();
        };
        // Bounds the wait for the write buffer and for the confirm.
        const timer = setTimeout(
          () => settle(fail('timeout', `RabbitMQ did not confirm within ${publishTimeoutMs} ms`)),
          publishTimeoutMs,
        );
        const send = (channel: ConfirmChannel | undefined) => {
          if (settled) return;
          if (!channel) return settle(fail('unreachable', 'channel closed'));
          try {
            writable = channel.publish(exchange, routingKey, content, properties, (err) => {
              if (!err) return settle();
              // Only a nack is RabbitMQ's answer; otherwise the channel closed under the publish.
              settle(fail(err.message === NACKED ? 'refused' : 'unreachable', err.message, err));
            });
          } catch (err) {
            settle(fail('unreachable', err instanceof Error ? err.message : String(err), err));
          }
        };
        if (writable && waiting.length === 0) send(current);
        else waiting.push(send);
      });
      if (returned.delete(eventId)) {
        throw fail('refused', `no queue is bound to ${exchange} for ${routingKey}; the event was not kept`);
      }
      return { eventId };
    },
    isConnected,
    async ready() {
      if (!isConnected()) throw new Error(`RabbitMQ not connected (${bus.lastFailure()})`);
    },
    async close() {
      if (closed) return;
      closed = true;
      flush(undefined);
      await bus.close();
    },
  };
}
