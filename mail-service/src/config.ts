import { headerField } from '@suite/proto/requests';
import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

const LABEL = /^[a-z0-9-]{1,63}$/i;
const TOP_LEVEL_LABEL = /^[a-z]{2,63}$/i;

/** A domain name of two labels or more (`example.com`), checked label by label: no pattern backtracks on it. */
function isDomainName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  const last = labels.at(-1) ?? '';
  return (
    labels.length >= 2 &&
    TOP_LEVEL_LABEL.test(last) &&
    labels.every((label) => LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-'))
  );
}

export const configSchema = z.object({
  PORT: env.port(8084),
  LOG_LEVEL: env.logLevel(),
  BIND_HOST: env.bindHost(),
  MAIL_DOMAIN: z.string().default('localhost'),
  MAIL_HOST: z.string().default('127.0.0.1'),
  MAIL_PORT: env.port(1025),
  MAIL_ENCRYPTION: z.enum(['none', 'tls', 'ssl']).default('none'),
  MAIL_USERNAME: z.string().optional(),
  MAIL_PASSWORD: z.string().optional(),
  // Every mail is From this sender; a request's `from` only becomes Reply-To.
  FROM_NAME: headerField().default('Microservices Suite'),
  FROM_ADDRESS: z.string().email().default('suite@example.com'),
  // Recipient domains this service sends to; empty allows any.
  MAIL_ALLOWED_DOMAINS: env
    .list('')
    .pipe(
      z.array(
        z
          .string()
          .refine(isDomainName, 'expected comma-separated domain names, e.g. example.com,example.org'),
      ),
    ),
  MAIL_MAX_CONNECTIONS: env.positiveInt(20),
  MAIL_TIMEOUT_MS: env.positiveInt(5000),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
