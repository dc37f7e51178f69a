import { randomUUID } from 'node:crypto';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { PeerError, type PeerErrorKind } from '../errors.js';
import type { ProtoLogger } from '../logger.js';
import { AMQP_REQUEST_ID_HEADER, type LogRoutingKey } from '../names.js';
import { describeIssues, logEventSchema } from '../schemas.js';
import { recycleConnectionOnChannelLoss } from './channel-recovery.js';
import { connectToRabbit } from './connection.js';
import { assertEventTopology, eventTopology } from './topology.js';

export type EventSeverity = 'INFO' | 'WARNING' | 'ERROR';

export interface PublishOptions {
  /** Picks the routing key `log.<severity>`; INFO when absent. */
  severity?: EventSeverity;
  /** Becomes the AMQP message id that consumers deduplicate on; a fresh UUID when absent. */
  eventId?: string;
  /** The request that caused the event, carried in the `x-request-id` header. */
  requestId?: string;
}

export interface EventEmitter {
  /** Resolves once RabbitMQ confirmed the event; rejects with a PeerError (`unreachable` at once while disconnected). */
  publish(event: { name: string; data: string }, options?: PublishOptions): Promise<{ eventId: string }>;
  isConnected(): boolean;
  /** Readiness check: rejects while the connection to RabbitMQ is down. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface EventEmitterOptions {
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
 * One long-lived connection and confirm channel for the life of the process. amqp-connection-manager
 * reconnects on its own; while it is disconnected publishes fail at once instead of queueing in
 * memory, so callers can answer at once and nothing is silently lost on a crash.
 */
export function createEventEmitter(options: EventEmitterOptions): EventEmitter {
  const {
    url,
    logger,
    publishTimeoutMs = 5000,
    connectionName = 'event-emitter',
    peer = 'rabbitmq',
  } = options;
  const topology = eventTopology({ exchange: options.exchange, queue: options.queue });
  const { exchange } = topology;
  const log = logger.child({ component: 'event-emitter' });

  const { manager, lastFailure } = connectToRabbit({
    url,
    connectionName,
    logger: log,
    details: { exchange },
  });
  manager.on('blocked', ({ reason }) => log.warn({ reason }, 'RabbitMQ blocked publishing'));
  manager.on('unblocked', () => log.info({}, 'RabbitMQ unblocked publishing'));

  let channelReady = false;
  let closed = false;
  const channel: ChannelWrapper = manager.createChannel({
    json: false,
    confirm: true,
    setup: async (ch: ConfirmChannel) => {
      recycleConnectionOnChannelLoss({
        manager,
        channel: ch,
        logger: log,
        isClosing: () => closed,
        onLost: () => {
          channelReady = false;
        },
      });
      await assertEventTopology(ch, topology);
    },
  });
  channel.on('connect', () => {
    channelReady = true;
  });
  channel.on('close', () => {
    channelReady = false;
  });
  manager.on('disconnect', () => {
    channelReady = false;
  });
  channel.on('error', (err: Error) => {
    log.error({ err: err.message }, 'event channel setup failed');
  });

  const isConnected = () => !closed && manager.isConnected() && channelReady;

  const fail = (kind: PeerErrorKind, detail: string, cause?: unknown) =>
    new PeerError(peer, kind, detail, { cause });

  return {
    async publish(event, publishOptions = {}) {
      const parsed = logEventSchema.safeParse(event);
      if (!parsed.success) throw fail('invalid', `invalid event: ${describeIssues(parsed.error)}`);
      if (closed) throw fail('unreachable', 'the event emitter is closed');
      if (!isConnected()) throw fail('unreachable', `not connected to RabbitMQ (${lastFailure()})`);

      const eventId = publishOptions.eventId ?? randomUUID();
      const { requestId } = publishOptions;
      const routingKey: LogRoutingKey = `log.${publishOptions.severity ?? 'INFO'}`;
      const headers: Record<string, string> = {};
      if (requestId) headers[AMQP_REQUEST_ID_HEADER] = requestId;
      try {
        await channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(parsed.data)), {
          persistent: true,
          messageId: eventId,
          contentType: 'application/json',
          timestamp: Math.floor(Date.now() / 1000),
          type: parsed.data.name,
          headers,
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
      return { eventId };
    },
    isConnected,
    async ready() {
      if (!isConnected()) throw new Error(`RabbitMQ not connected (${lastFailure()})`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await channel.close().catch((err: Error) => log.debug({ err: err.message }, 'channel close failed'));
      await manager.close();
    },
  };
}
