import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** One structured logger per service; JSON lines on stdout, secrets redacted wherever they appear. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: ['password', '*.password', '*.*.password', 'headers.authorization', 'headers.cookie'],
      censor: '[redacted]',
    },
  });
}
