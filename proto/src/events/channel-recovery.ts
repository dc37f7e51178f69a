import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel } from 'amqplib';
import type { ProtoLogger } from '../logger.js';

const SETTLE_MS = 100;

/**
 * amqp-connection-manager only recreates channels when the whole connection comes back; a channel
 * closed on its own (a channel error such as a missing exchange, or a cancelled consumer) would stay
 * dead while the connection looks healthy. Call this from a channel's setup: when that channel dies
 * and its connection is still the current one, the connection is recycled so setup runs again.
 */
export function recycleConnectionOnChannelLoss(options: {
  manager: AmqpConnectionManager;
  channel: Channel;
  logger: ProtoLogger;
  isClosing: () => boolean;
  onLost?: () => void;
}): void {
  const { manager, channel, logger, isClosing, onLost } = options;
  const connection = manager.connection;
  channel.once('close', () => {
    onLost?.();
    // A dying connection closes its channels first; give it a moment so only lone channel losses recycle.
    setTimeout(() => {
      if (isClosing() || !connection || manager.connection !== connection) return;
      logger.warn({}, 'AMQP channel closed on a live connection, reconnecting');
      try {
        manager.reconnect();
      } catch {
        // The manager was closed in the meantime: nothing to recover.
      }
    }, SETTLE_MS).unref();
  });
}
