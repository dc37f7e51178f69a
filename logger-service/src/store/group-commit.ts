/** Writes one batch; one settled outcome per item, in the items' order. Rejects when the whole batch failed. */
export type BatchWrite<T, R> = (items: T[]) => Promise<PromiseSettledResult<R>[]>;

export interface GroupCommitOptions {
  /** Most items one write takes; the rest wait for the next. */
  maxBatch: number;
  /**
   * A whole-batch failure that also answers the items which queued while that write was in flight
   * (MongoDB unreachable or timed out): they would meet the same outage, and waiting for a write of
   * their own would double their wait past the operation timeout.
   */
  sharesFailure?: (err: unknown) => boolean;
}

interface Waiting<T, R> {
  item: T;
  resolve(outcome: R): void;
  reject(err: unknown): void;
}

/**
 * Group commit: one write in flight at a time; items that arrive meanwhile, or in the same turn of
 * the event loop, go together in the next write. No timer: a lone item waits one turn only. Under
 * load each item then pays a share of one round trip instead of a round trip of its own, and each
 * caller still gets exactly its own outcome.
 */
export function groupCommit<T, R>(
  write: BatchWrite<T, R>,
  options: GroupCommitOptions,
): (item: T) => Promise<R> {
  let waiting: Waiting<T, R>[] = [];
  let inFlight = false;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight || waiting.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    const batch = waiting.length <= options.maxBatch ? waiting : waiting.slice(0, options.maxBatch);
    waiting = batch === waiting ? [] : waiting.slice(options.maxBatch);
    inFlight = true;
    write(batch.map((w) => w.item)).then(
      (outcomes) => {
        batch.forEach((caller, i) => {
          const outcome = outcomes[i];
          if (!outcome) caller.reject(new Error('the batch write returned no outcome for this item'));
          else if (outcome.status === 'fulfilled') caller.resolve(outcome.value);
          else caller.reject(outcome.reason);
        });
        done();
      },
      (err: unknown) => {
        for (const caller of batch) caller.reject(err);
        if (options.sharesFailure?.(err)) {
          const queued = waiting;
          waiting = [];
          for (const caller of queued) caller.reject(err);
        }
        done();
      },
    );
  }

  function done(): void {
    inFlight = false;
    schedule();
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      schedule();
    });
}
