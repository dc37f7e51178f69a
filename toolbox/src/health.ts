import { isPeerError } from '@suite/proto/errors';
import { withTimeout } from './with-timeout.js';

/** A named dependency check: resolves when the dependency answers, throws (or rejects) when it does not. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

/** Runs every check in parallel, each bounded so a hanging dependency cannot hang the probe. */
export async function runReadiness(checks: ReadinessChecks, timeoutMs = 2000): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(
    names.map((name) =>
      withTimeout(checks[name]!(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`),
    ),
  );
  const report: ReadinessReport = { ready: true, checks: {} };
  outcomes.forEach((outcome, i) => {
    const name = names[i]!;
    if (outcome.status === 'fulfilled') {
      report.checks[name] = 'ok';
    } else {
      report.ready = false;
      const { reason } = outcome;
      // A peer's failure shows its summary: the report is public, the detail is for logs.
      report.checks[name] = isPeerError(reason)
        ? reason.summary
        : reason instanceof Error
          ? reason.message
          : String(reason);
    }
  });
  return report;
}
