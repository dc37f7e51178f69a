import { headerField } from '@suite/proto/requests';
import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

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
        z.string().regex(DOMAIN, 'expected comma-separated domain names, e.g. example.com,example.org'),
      ),
    ),
  MAIL_MAX_CONNECTIONS: env.positiveInt(20),
  MAIL_TIMEOUT_MS: env.positiveInt(5000),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
