import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8083),
  LOG_LEVEL: env.logLevel(),
  DATABASE_URL: env.url('postgres://postgres:password@127.0.0.1:5432/users'),
  SEED_EMAIL: z.string().email().default('admin@example.com'),
  SEED_PASSWORD: z.string().min(8).default('verysecret'),
  SEED_FIRST_NAME: z.string().default('Admin'),
  SEED_LAST_NAME: z.string().default('User'),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  STATEMENT_TIMEOUT_MS: env.positiveInt(5000),
  DB_POOL_MAX: env.positiveInt(10),
  DB_CONNECT_TIMEOUT_MS: env.positiveInt(3000),
  RATE_LIMIT_WINDOW_SECONDS: env.positiveInt(900),
  RATE_LIMIT_EMAIL_FAILURES: env.positiveInt(10),
  RATE_LIMIT_IP_FAILURES: env.positiveInt(50),
  // Requests arrive through the broker, so the client address is read from X-Forwarded-For when the
  // direct peer is one of these (express "trust proxy" syntax); "false" uses the socket address only.
  TRUST_PROXY: z
    .string()
    .default('loopback, linklocal, uniquelocal')
    .transform((v) => (['false', 'none', ''].includes(v.trim().toLowerCase()) ? false : v)),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
