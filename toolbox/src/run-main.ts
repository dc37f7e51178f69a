import { ConfigError } from './config.js';

/**
 * Runs a service's composition root. A start-up failure (bad configuration, a dependency that never
 * came up) exits non-zero with a clear message instead of an unhandled rejection and a stack trace.
 */
export function runMain(service: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    const reason =
      err instanceof ConfigError
        ? err.message
        : `failed to start: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`${service}: ${reason}\n`);
    process.exit(1);
  });
}
