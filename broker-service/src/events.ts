import type { EventPublisher as BusPublisher } from '@suite/proto';

/** The part of `@suite/proto`'s event publisher the broker uses; tests hand in a fake. */
export type EventPublisher = Pick<BusPublisher, 'publish' | 'isConnected'>;
