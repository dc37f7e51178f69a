import type { Registry } from '@suite/toolbox';
import { Counter, Gauge } from 'prom-client';

const DEAD_LETTER_REASONS = ['malformed', 'invalid', 'rejected'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface ListenerMetrics {
  consumed: Counter;
  stored: Counter;
  retried: Counter;
  deadLettered: Counter<'reason'>;
  inFlight: Gauge;
}

/** Registered on the HTTP app's registry so one /metrics shows both HTTP and event traffic. */
export function createListenerMetrics(registry: Registry): ListenerMetrics {
  const registers = [registry];
  const metrics: ListenerMetrics = {
    consumed: new Counter({
      name: 'listener_events_consumed_total',
      help: 'Messages delivered by RabbitMQ, redeliveries included',
      registers,
    }),
    stored: new Counter({
      name: 'listener_events_stored_total',
      help: 'Events the logger confirmed as stored (then acknowledged)',
      registers,
    }),
    retried: new Counter({
      name: 'listener_events_retried_total',
      help: 'Events sent to the delayed retry queue after a failure that may pass',
      registers,
    }),
    deadLettered: new Counter({
      name: 'listener_events_dead_lettered_total',
      help: 'Events moved to the dead-letter queue, by reason',
      labelNames: ['reason'],
      registers,
    }),
    inFlight: new Gauge({
      name: 'listener_events_in_flight',
      help: 'Messages received and not yet settled',
      registers,
    }),
  };
  // Every reason shows up as 0 from the start, so alerts on a rate do not wait for the first dead letter.
  for (const reason of DEAD_LETTER_REASONS) metrics.deadLettered.inc({ reason }, 0);
  return metrics;
}
