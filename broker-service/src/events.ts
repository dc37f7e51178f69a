import type { EventEmitter } from '@suite/proto';

/** The part of `@suite/proto`'s event emitter the broker uses; tests hand in a fake. */
export type EventPublisher = Pick<EventEmitter, 'publish' | 'isConnected'>;
