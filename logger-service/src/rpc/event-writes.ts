import type { EventWrite, InsertOutcome, LogStore } from '../store/logs.js';

/** Writes gathered into one bulk write at most; more wait for the next one. */
const MAX_BULK = 1000;

/**
 * Gathers the event writes that arrive in one turn of the event loop (a JSON-RPC batch from the
 * listener arrives as one line, so its calls all land in the same turn) into one unordered bulk
 * upsert: one MongoDB round trip for the batch instead of one per event. Each caller still gets its
 * own outcome.
 */
export function coalesceEventWrites(store: Pick<LogStore, 'insertEvents'>) {
  const waiting: Array<{
    write: EventWrite;
    resolve(outcome: InsertOutcome): void;
    reject(err: unknown): void;
  }> = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const batch = waiting.splice(0, MAX_BULK);
    if (waiting.length > 0) schedule();
    store.insertEvents(batch.map((w) => w.write)).then(
      (outcomes) =>
        outcomes.forEach((outcome, i) => {
          const caller = batch[i];
          if (!caller) return;
          if (outcome.status === 'fulfilled') caller.resolve(outcome.value);
          else caller.reject(outcome.reason);
        }),
      (err: unknown) => {
        for (const caller of batch) caller.reject(err);
      },
    );
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return (write: EventWrite): Promise<InsertOutcome> =>
    new Promise((resolve, reject) => {
      waiting.push({ write, resolve, reject });
      schedule();
    });
}
