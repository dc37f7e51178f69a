import { type Level, type Logger, pino } from 'pino';

/** A logger that keeps every line it writes, parsed, so a test can read what was logged. */
export function capturingLogger(level: Level = 'debug'): {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
} {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}
