import { EVENT_NAMES, type EventEmitter } from '@suite/proto';
import type { Logger } from '@suite/toolbox';
import { Counter, type Registry } from 'prom-client';

/** The part of `@suite/proto`'s event emitter the broker uses; tests hand in a fake. */
export type EventPublisher = Pick<EventEmitter, 'publish' | 'isConnected'>;

export interface AuthenticationOutcome {
  email: string;
  success: boolean;
  /** The status the broker answered, so a 429 or an outage is told apart from a wrong password. */
  status: number;
  reason?: string;
}

/**
 * Events that are a side note of a request (the authentication audit trail): a failure to publish
 * is logged and counted, never turned into a failed request.
 */
export function createBestEffortEvents(events: EventPublisher, registry: Registry, logger: Logger) {
  const failures = new Counter({
    name: 'broker_event_publish_failures_total',
    help: 'Best-effort events that could not be published, by event name',
    labelNames: ['event'],
    registers: [registry],
  });
  return {
    async authentication(outcome: AuthenticationOutcome, requestId: string): Promise<void> {
      const event = { name: EVENT_NAMES.authentication, data: JSON.stringify(outcome) };
      try {
        await events.publish(event, { severity: outcome.success ? 'INFO' : 'WARNING', requestId });
      } catch (err) {
        failures.inc({ event: event.name });
        logger.warn(
          { err: err instanceof Error ? err.message : String(err), event: event.name },
          'could not publish event',
        );
      }
    },
  };
}
export type BestEffortEvents = ReturnType<typeof createBestEffortEvents>;
