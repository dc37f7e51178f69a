import type { LogInfoCall } from '@suite/proto';

export interface WriteBatcher {
  /** Settles with this entry's own answer, whatever the others in its batch got. */
  add(call: LogInfoCall): Promise<string>;
  /** Sends what is collected now. */
  flush(): void;
}

/**
 * Collects writes for up to `waitMs` (or until `maxBatch` are waiting) and sends them as one batch:
 * one frame and one logger round trip for many events instead of one each. Each write still gets
 * its own result, so one event the logger refuses fails alone.
 */
export function batchWrites(
  send: (calls: LogInfoCall[]) => Promise<string>[],
  options: { maxBatch: number; waitMs: number },
): WriteBatcher {
  let calls: LogInfoCall[] = [];
  let answers: { resolve(result: string): void; reject(err: unknown): void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (calls.length === 0) return;
    const batch = calls;
    const waiting = answers;
    calls = [];
    answers = [];
    const results = send(batch);
    results.forEach((result, i) => {
      result.then(waiting[i]?.resolve, waiting[i]?.reject);
    });
  }

  return {
    flush,
    add(call) {
      return new Promise<string>((resolve, reject) => {
        calls.push(call);
        answers.push({ resolve, reject });
        if (calls.length >= options.maxBatch) flush();
        else timer ??= setTimeout(flush, options.waitMs);
      });
    },
  };
}
