import { type Logger, withTimeout } from '@suite/toolbox';
import type { IRouter } from 'express';

/** A named check of one peer: resolves when it answers. */
export type DependencyChecks = Record<string, () => Promise<unknown>>;

/**
 * `GET /health/dependencies`: how each peer is doing, for dashboards and people, never for a probe
 * (the broker serves what it can while any one of them is down). The answer says only `ok`, `down`
 * or `timeout` per peer, since it is public; the reason goes to the log.
 */
export function dependencyRoutes(router: IRouter, checks: DependencyChecks, timeoutMs: number): void {
  router.get('/health/dependencies', async (_req, res) => {
    const log: Logger = res.locals.logger;
    const names = Object.keys(checks);
    const outcomes = await Promise.allSettled(
      names.map((name) => withTimeout(checks[name]!(), timeoutMs, TIMEOUT)),
    );
    const report: Record<string, string> = {};
    outcomes.forEach((outcome, i) => {
      const name = names[i]!;
      if (outcome.status === 'fulfilled') {
        report[name] = 'ok';
        return;
      }
      const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
      report[name] = reason === TIMEOUT ? 'timeout' : 'down';
      log.warn({ dependency: name, reason }, 'dependency check failed');
    });
    const healthy = Object.values(report).every((state) => state === 'ok');
    res.status(healthy ? 200 : 503).json({
      error: !healthy,
      message: healthy ? 'every dependency answers' : 'some dependencies are down',
      data: report,
    });
  });
}

const TIMEOUT = 'timeout';
