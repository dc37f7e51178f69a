import amqp from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { ProtoLogger } from '../logger.js';
import { assertEventTopology, type EventTopology } from './topology.js';

/** How long a lone channel loss waits before recycling: a dying connection closes its channels first. */
const SETTLE_MS = 100;
/** A channel closed just as its connection died waits for a close-ok that never comes. */
const CLOSE_WAIT_MS = 2000;

async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

export interface EventChannelOptions {
  url: string;
  /** Shown in RabbitMQ's connection list, so an operator (or a test) can tell producers and consumers apart. */
  connectionName: string;
  logger: ProtoLogger;
  topology: EventTopology;
  /** Runs on every fresh channel after the topology is declared (after each reconnect too). */
  onOpen?: (channel: ConfirmChannel) => Promise<void>;
}

export interface EventChannel {
  /**
   * The confirm channel in use once its set-up finished, while connected: publish on it directly
   * (amqplib's callback reports the confirm). Undefined between a loss and the next set-up.
   */
  channel(): ConfirmChannel | undefined;
  /** Connected, and the current channel finished its set-up. */
  isReady(): boolean;
  isConnected(): boolean;
  /** Why the connection is (or last was) down, for error messages. */
  lastFailure(): string;
  close(): Promise<void>;
}

/**
 * The one AMQP set-up of the suite, for producers and consumers alike: a long-lived connection
 * (heartbeat 5 s, reconnect every second) and one confirm channel whose set-up, re-run after
 * every reconnect, declares the topology and then whatever the caller adds (a consumer).
 *
 * amqp-connection-manager recreates channels only when the whole connection comes back; a channel
 * closed on its own (a channel error such as a missing exchange, or a cancelled consumer) would
 * stay dead while the connection looks healthy, so such a loss recycles the connection.
 */
export function openEventChannel(options: EventChannelOptions): EventChannel {
  const { url, connectionName, logger, topology, onOpen } = options;
  const manager = amqp.connect([url], {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: 1,
    connectionOptions: { clientProperties: { connection_name: connectionName } },
  });
  let lastFailure = 'not connected yet';
  let ready: ConfirmChannel | undefined;
  let closing = false;

  manager.on('connect', () => logger.info({ exchange: topology.exchange }, 'connected to RabbitMQ'));
  manager.on('disconnect', ({ err }) => {
    ready = undefined;
    lastFailure = err?.message ?? 'connection lost';
    logger.warn({ err: lastFailure }, 'disconnected from RabbitMQ, reconnecting');
  });
  manager.on('connectFailed', ({ err }) => {
    lastFailure = err?.message ?? 'connection failed';
    logger.debug({ err: lastFailure }, 'RabbitMQ connection attempt failed');
  });
  manager.on('blocked', ({ reason }) => logger.warn({ reason }, 'RabbitMQ blocked publishing'));
  manager.on('unblocked', () => logger.info({}, 'RabbitMQ unblocked publishing'));

  function recycleOnLoss(channel: ConfirmChannel): void {
    const connection = manager.connection;
    channel.once('close', () => {
      if (ready === channel) ready = undefined;
      setTimeout(() => {
        if (closing || !connection || manager.connection !== connection) return;
        logger.warn({}, 'AMQP channel closed on a live connection, reconnecting');
        try {
          manager.reconnect();
        } catch {
          // The manager was closed in the meantime: nothing to recover.
        }
      }, SETTLE_MS).unref();
    });
  }

  const wrapper = manager.createChannel({
    json: false,
    confirm: true,
    setup: async (channel: ConfirmChannel) => {
      recycleOnLoss(channel);
      await assertEventTopology(channel, topology);
      if (closing) return;
      await onOpen?.(channel);
      ready = channel;
    },
  });
  wrapper.on('error', (err: Error) => logger.error({ err: err.message }, 'AMQP channel set-up failed'));

  const isConnected = () => !closing && manager.isConnected();
  return {
    channel: () => (isConnected() ? ready : undefined),
    isReady: () => isConnected() && ready !== undefined,
    isConnected,
    lastFailure: () => lastFailure,
    async close() {
      if (closing) return;
      closing = true;
      ready = undefined;
      await within(wrapper.close(), CLOSE_WAIT_MS);
      await within(manager.close(), CLOSE_WAIT_MS);
    },
  };
}
