import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { PeerError, type PeerErrorKind } from '../errors.js';
import type { ProtoLogger } from '../logger.js';
import { AMQP_REQUEST_ID_HEADER, type LogRoutingKey } from '../names.js';
import { describeIssues, logEventSchema } from '../schemas.js';
import { openEventChannel } from './channel.js';
import { eventTopology } from './topology.js';

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
   * `unreachable` at once while disconnected, `refused` on a nack or when no queue is bound,
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
  const bus = openEventChannel({
    url,
    connectionName,
    logger: logger.child({ component: 'event-emitter' }),
    topology,
    onOpen: async (channel: ConfirmChannel) => {
      returned.clear();
      channel.on('return', (message: ConsumeMessage) => returned.add(String(message.properties.messageId)));
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
      if (!isConnected()) throw fail('unreachable', `not connected to RabbitMQ (${bus.lastFailure()})`);

      const eventId = publishOptions.eventId ?? randomUUID();
      const { requestId } = publishOptions;
      const routingKey: LogRoutingKey = `log.${publishOptions.severity ?? 'INFO'}`;
      try {
        await bus.wrapper.publish(exchange, routingKey, Buffer.from(JSON.stringify(parsed.data)), {
          persistent: true,
          mandatory: true,
          messageId: eventId,
          contentType: 'application/json',
          timestamp: Math.floor(Date.now() / 1000),
          type: parsed.data.name,
          headers: requestId ? { [AMQP_REQUEST_ID_HEADER]: requestId } : {},
          // Bounds the wait for the confirm (and for a reconnect that happens mid-publish).
          timeout: publishTimeoutMs,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (message === 'timeout') {
          throw fail('timeout', `RabbitMQ did not confirm within ${publishTimeoutMs} ms`, err);
        }
        // A nack (a queue refused the message) or a channel that closed under the publish.
        throw fail(isConnected() ? 'refused' : 'unreachable', message, err);
      }
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
      await bus.close();
    },
  };
}
