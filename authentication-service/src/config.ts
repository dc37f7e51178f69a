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
  // The login policy; README "Login limits".
  RATE_LIMIT_ACCOUNT_ADDRESS_FAILURES: env.positiveInt(10),
  RATE_LIMIT_ADDRESS_FAILURES: env.positiveInt(50),
  RATE_LIMIT_ACCOUNT_FAILURES: env.positiveInt(100),
  // Requests arrive through the broker, which sends the one client address it resolved as
  // X-Forwarded-For; that header is believed only from these peers (the native broker on loopback).
  TRUSTED_PROXIES: env.trustedProxies('127.0.0.1,::1'),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
