import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8083),
  LOG_LEVEL: env.logLevel(),
  DATABASE_URL: env.url('postgres://postgres@127.0.0.1:5432/users'),
  LOGGER_SERVICE_URL: env.url('http://127.0.0.1:8082'),
  SEED_EMAIL: z.string().email().default('admin@example.com'),
  SEED_PASSWORD: z.string().min(8).default('verysecret'),
  SEED_FIRST_NAME: z.string().default('Admin'),
  SEED_LAST_NAME: z.string().default('User'),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  STATEMENT_TIMEOUT_MS: env.positiveInt(5000),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config => loadConfig(configSchema, source);
