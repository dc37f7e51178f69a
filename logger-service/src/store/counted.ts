import { Counter, type Registry } from 'prom-client';
import type { LogStore } from './logs.js';

export type Transport = 'http' | 'rpc' | 'grpc';
export type WriteCounter = Counter<'transport' | 'kind' | 'outcome'>;

export function createWriteCounter(registry: Registry): WriteCounter {
  return new Counter({
    name: 'logger_entries_written_total',
    help: 'Log entries written, by transport, kind (event from the listener, or direct request) and outcome',
    labelNames: ['transport', 'kind', 'outcome'],
    registers: [registry],
  });
}

/**
 * The store as one transport sees it: every write is counted under that transport, so a person (or
 * a test) can tell from /metrics which way each entry arrived without changing the stored document.
 */
export function countWrites(store: LogStore, counter: WriteCounter, transport: Transport): LogStore {
  return {
    init: () => store.init(),
    list: (query) => store.list(query),
    get: (id) => store.get(id),
    deleteAll: () => store.deleteAll(),
    touch: (id) => store.touch(id),
    ping: () => store.ping(),
    async insert(entry, ids) {
      const outcome = await store.insert(entry, ids);
      counter.inc({
        transport,
        kind: ids?.eventId ? 'event' : 'request',
        outcome: outcome.duplicate ? 'duplicate' : 'stored',
      });
      return outcome;
    },
  };
}
