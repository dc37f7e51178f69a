import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8084),
  LOG_LEVEL: env.logLevel(),
  MAIL_DOMAIN: z.string().default('localhost'),
  MAIL_HOST: z.string().default('127.0.0.1'),
  MAIL_PORT: env.port(1025),
  MAIL_ENCRYPTION: z.enum(['none', 'tls', 'ssl']).default('none'),
  MAIL_USERNAME: z.string().optional(),
  MAIL_PASSWORD: z.string().optional(),
  FROM_NAME: z.string().default('Microservices Suite'),
  FROM_ADDRESS: z.string().email().default('suite@example.com'),
  MAIL_MAX_CONNECTIONS: env.positiveInt(20),
  MAIL_TIMEOUT_MS: env.positiveInt(5000),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
