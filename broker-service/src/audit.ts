import { EVENT_NAMES, type EventSeverity } from '@suite/proto';
import type { Logger, Registry } from '@suite/toolbox';
import { Counter, Gauge } from 'prom-client';
import type { EventPublisher } from './events.js';

export interface AuthenticationOutcome {
  email: string;
  success: boolean;
  /** The status the broker answered, so a 429 or an outage is told apart from a wrong password. */
  status: number;
  reason?: string;
}

export interface AuditTrail {
  /** Queues the login's `authentication` event and returns at once: the answer never waits for RabbitMQ. */
  authentication(outcome: AuthenticationOutcome, requestId: string): void;
  /** Events waiting to be published. */
  pending(): number;
  /** Publishes what is queued, waiting at most `timeoutMs`; what is left is logged as lost. */
  drain(timeoutMs: number): Promise<void>;
}

export interface AuditTrailOptions {
  events: EventPublisher;
  registry: Registry;
  logger: Logger;
  /** Most events held while RabbitMQ is slow or down; beyond it new ones are dropped and counted. */
  capacity: number;
}

/** How often the publisher, having found RabbitMQ disconnected, looks again. */
const RECONNECT_POLL_MS = 250;

interface Pending {
  event: { name: string; data: string };
  severity: EventSeverity;
  requestId: string;
}

/**
 * The login audit trail (one `authentication` event per login): a bounded in-memory queue drained by
 * one background publisher. While RabbitMQ is disconnected events wait in the queue; a publish that
 * fails while connected (a timeout, a refusal) is counted and dropped, so a broken message cannot
 * hold up the rest. A full queue drops the newest event, counts it and says so in the log.
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { events, registry, capacity } = options;
  const log = options.logger.child({ component: 'audit' });
  const queued = new Gauge({
    name: 'broker_audit_queue_length',
    help: 'Authentication events waiting to be published',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'broker_audit_dropped_total',
    help: 'Authentication events never published: overflow (queue full), failed (publish failed), shutdown (left at exit)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'broker_event_publish_failures_total',
    help: 'Events that could not be published, by event name',
    labelNames: ['event'],
    registers: [registry],
  });

  const queue: Pending[] = [];
  let overflowing = 0;
  let stopping = false;
  let wake: (() => void) | undefined;
  let running: Promise<void> | undefined;

  const waitForBus = () =>
    new Promise<void>((resolve) => {
      // Unref'd: events waiting for RabbitMQ must not keep a finished process alive.
      const timer = setTimeout(resolve, RECONNECT_POLL_MS).unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = undefined;
    });

  async function publishAll(): Promise<void> {
    while (queue.length > 0 && !stopping) {
      if (!events.isConnected()) {
        await waitForBus();
        continue;
      }
      const next = queue[0]!;
      try {
        await events.publish(next.event, { severity: next.severity, requestId: next.requestId });
        queue.shift();
      } catch (err) {
        failures.inc({ event: next.event.name });
        const detail = err instanceof Error ? err.message : String(err);
        // Lost connection under the publish: keep the event for the next connection.
        if (events.isConnected()) {
          queue.shift();
          dropped.inc({ reason: 'failed' });
          log.warn({ err: detail, requestId: next.requestId }, 'could not publish authentication event');
        } else {
          log.debug({ err: detail }, 'RabbitMQ went away under an audit publish; will retry');
        }
      }
      queued.set(queue.length);
      if (overflowing > 0 && queue.length < capacity) {
        log.warn({ dropped: overflowing }, 'audit queue has room again');
        overflowing = 0;
      }
    }
  }

  const start = () => {
    if (running || stopping) return;
    running = publishAll().finally(() => {
      running = undefined;
      if (queue.length > 0) start();
    });
  };

  return {
    authentication(outcome, requestId) {
      if (queue.length >= capacity) {
        dropped.inc({ reason: 'overflow' });
        if (overflowing++ === 0) {
          log.warn({ capacity }, 'audit queue full: authentication events are being dropped');
        }
        return;
      }
      queue.push({
        event: { name: EVENT_NAMES.authentication, data: JSON.stringify(outcome) },
        severity: outcome.success ? 'INFO' : 'WARNING',
        requestId,
      });
      queued.set(queue.length);
      start();
    },
    pending: () => queue.length,
    async drain(timeoutMs) {
      start();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([running ?? Promise.resolve(), deadline]);
      clearTimeout(timer);
      // A publish still waiting for its confirm is not awaited: the emitter's close ends it.
      stopping = true;
      wake?.();
      if (queue.length > 0) {
        dropped.inc({ reason: 'shutdown' }, queue.length);
        log.error({ lost: queue.length, timeoutMs }, 'authentication events left unpublished at shutdown');
        queue.length = 0;
        queued.set(0);
      }
    },
  };
}
