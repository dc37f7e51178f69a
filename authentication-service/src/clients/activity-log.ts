import type { HttpClient, Logger } from '@suite/toolbox';
import { Counter, type Registry } from 'prom-client';

export interface ActivityLog {
  /** Fire and forget: returns at once and never throws. */
  record(data: string): void;
  /** Resolves when every entry sent so far has been delivered or given up on (shutdown, tests). */
  drain(): Promise<void>;
}

export interface ActivityLogOptions {
  http: HttpClient;
  logger: Logger;
  registry: Registry;
}

/**
 * Sends login activity to the logger service. The logger is an observer of logins, not part of
 * them: when it is down or slow the login answers as usual and the miss is counted and logged here.
 */
export function createActivityLog({ http, logger, registry }: ActivityLogOptions): ActivityLog {
  const failures = new Counter({
    name: 'auth_activity_log_failures_total',
    help: 'Login activity entries the logger service did not accept',
    registers: [registry],
  });
  const inFlight = new Set<Promise<void>>();

  const send = async (data: string) => {
    try {
      const response = await http.post('/log', { name: 'authentication', data });
      if (response.status >= 300) throw new Error(`logger-service answered ${response.status}`);
    } catch (err) {
      failures.inc();
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'activity log entry not delivered',
      );
    }
  };

  return {
    record(data) {
      const delivery = send(data);
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}
