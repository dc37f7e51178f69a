import type { Channel } from 'amqplib';
import { LOG_ROUTING_KEYS, LOGS_EXCHANGE } from '../names.js';

/** The shared queue every listener replica consumes from (competing consumers). */
export const DEFAULT_EVENTS_QUEUE = 'logs';

/** Failed processing attempts so far; absent on a fresh event. */
export const ATTEMPTS_HEADER = 'x-attempts';
/** Why a message ended up in the dead-letter queue, for whoever inspects it. */
export const DEAD_REASON_HEADER = 'x-dead-reason';
export const ORIGINAL_EXCHANGE_HEADER = 'x-original-exchange';
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';

export interface EventTopology {
  /** Durable topic exchange producers publish to. */
  exchange: string;
  /** Durable queue bound to every log routing key. */
  queue: string;
  /** Holds copies of failed events until their per-message expiration dead-letters them back to `queue`. */
  retryQueue: string;
  /** Where events that can never be stored (malformed, or out of attempts) wait for a human. */
  deadQueue: string;
  routingKeys: readonly string[];
}

export interface EventTopologyOptions {
  exchange?: string;
  queue?: string;
}

export function eventTopology(options: EventTopologyOptions = {}): EventTopology {
  const exchange = options.exchange ?? LOGS_EXCHANGE;
  const queue = options.queue ?? DEFAULT_EVENTS_QUEUE;
  return {
    exchange,
    queue,
    retryQueue: `${queue}.retry`,
    deadQueue: `${queue}.dead`,
    routingKeys: LOG_ROUTING_KEYS,
  };
}

type TopologyChannel = Pick<Channel, 'assertExchange' | 'assertQueue' | 'bindQueue'>;

/**
 * Declares exchange, queues and bindings. Producers and consumers both call it with the same
 * arguments (RabbitMQ refuses a redeclaration with different ones), so events published before any
 * listener ever started are kept rather than dropped as unroutable.
 */
export async function assertEventTopology(channel: TopologyChannel, topology: EventTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertQueue(topology.queue, { durable: true });
  for (const key of topology.routingKeys) {
    await channel.bindQueue(topology.queue, topology.exchange, key);
  }
  // A per-message expiration on a queue without consumers turns it into a delay line: when a copy
  // expires RabbitMQ dead-letters it through the default exchange back onto the main queue.
  await channel.assertQueue(topology.retryQueue, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': topology.queue },
  });
  await channel.assertQueue(topology.deadQueue, { durable: true });
}

/** Reads the attempts header defensively: it may come from any producer. */
export function attemptsOf(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.[ATTEMPTS_HEADER];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0;
  return Number.isInteger(value) && value > 0 ? value : 0;
}
