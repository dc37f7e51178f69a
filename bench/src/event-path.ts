import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createEventPublisher } from '@suite/proto';
import { createLogger, sleep } from '@suite/toolbox';
import amqp from 'amqplib';

export interface RabbitCeiling {
  messages: number;
  /** Persistent publishes confirmed per second (confirm channel, drain honoured, one waitForConfirms). */
  confirmedPerSecond: number;
  /** Deliveries per second to one consumer with prefetch 100 and manual ack. */
  deliveredPerSecond: number;
}

/** RabbitMQ alone on a private durable queue: the ceiling of any path that goes through it. */
export async function measureRabbitCeiling(rabbitUrl: string, messages: number): Promise<RabbitCeiling> {
  const queue = `bench_ceiling_${randomBytes(4).toString('hex')}`;
  const connection = await amqp.connect(rabbitUrl, {
    clientProperties: { connection_name: 'bench-ceiling' },
  });
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: true });
    const body = Buffer.alloc(100, 'x');
    const publishStarted = performance.now();
    for (let i = 0; i < messages; i++) {
      if (!publisher.sendToQueue(queue, body, { persistent: true })) await once(publisher, 'drain');
    }
    await publisher.waitForConfirms();
    const publishSeconds = (performance.now() - publishStarted) / 1000;

    const consumer = await connection.createChannel();
    await consumer.prefetch(100);
    let delivered = 0;
    const deliverStarted = performance.now();
    const allDelivered = new Promise<void>((resolve) => {
      void consumer.consume(queue, (message) => {
        if (!message) return;
        consumer.ack(message);
        if (++delivered === messages) resolve();
      });
    });
    await allDelivered;
    const deliverSeconds = (performance.now() - deliverStarted) / 1000;
    await publisher.deleteQueue(queue);
    return {
      messages,
      confirmedPerSecond: messages / publishSeconds,
      deliveredPerSecond: messages / deliverSeconds,
    };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Sums a Prometheus counter (all label sets) out of a /metrics text. */
export function readCounter(metricsText: string, name: string): number {
  let total = 0;
  const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'gm');
  for (const match of metricsText.matchAll(pattern)) total += Number(match[1]);
  return total;
}

async function storedSoFar(listenerUrl: string): Promise<number> {
  const response = await fetch(`${listenerUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  return readCounter(await response.text(), 'listener_events_stored_total');
}

export interface EventPathResult {
  events: number;
  /** Events stored when the measurement ended: N, or fewer when the time limit cut it short. */
  stored: number;
  /** Events per second from the first publish to the listener's `stored` counter reaching N. */
  storedPerSecond: number;
  /** Events per second from the first publish to the last confirm, with the listener consuming meanwhile. */
  confirmedPerSecond: number;
  seconds: number;
}

export interface EventPathOptions {
  rabbitUrl: string;
  exchange: string;
  queue: string;
  listenerUrl: string;
  events: number;
  timeoutMs: number;
}

/**
 * Publish N events through the suite's emitter while the listener consumes them, and time until the
 * listener reports all N stored (RabbitMQ → listener → logger over JSON-RPC → MongoDB).
 */
export async function measureEventPath(options: EventPathOptions): Promise<EventPathResult> {
  const { events: n } = options;
  const emitter = createEventPublisher({
    url: options.rabbitUrl,
    logger: createLogger('bench', 'silent'),
    exchange: options.exchange,
    queue: options.queue,
    publishTimeoutMs: options.timeoutMs,
    connectionName: 'bench-event-path',
  });
  try {
    const connectDeadline = Date.now() + 10_000;
    while (!emitter.isConnected()) {
      if (Date.now() > connectDeadline)
        throw new Error('the event emitter did not connect to RabbitMQ within 10 s');
      await sleep(50);
    }
    const baseline = await storedSoFar(options.listenerUrl);
    const name = `bench_event_${randomBytes(3).toString('hex')}`;
    const started = performance.now();
    const publishes: Array<Promise<unknown>> = [];
    for (let i = 0; i < n; i++) publishes.push(emitter.publish({ name, data: `event ${i}` }));
    const confirmed = Promise.all(publishes).then(() => performance.now());

    // A run cut short still reports the rate it reached, rather than losing every other figure.
    const deadline = Date.now() + options.timeoutMs;
    let stored = 0;
    while (stored < n && Date.now() < deadline) {
      await sleep(50);
      stored = (await storedSoFar(options.listenerUrl)) - baseline;
    }
    const finished = performance.now();
    const seconds = (finished - started) / 1000;
    const confirmedAt = await Promise.race([confirmed, sleep(0).then(() => undefined)]);
    return {
      events: n,
      stored,
      storedPerSecond: stored / seconds,
      confirmedPerSecond: confirmedAt === undefined ? 0 : n / ((confirmedAt - started) / 1000),
      seconds,
    };
  } finally {
    await emitter.close();
  }
}
