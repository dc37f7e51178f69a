import { ConfigError, env, isLoopbackHost, loadConfig } from '@suite/toolbox';
import { z } from 'zod';
import { normaliseEmail } from './users/credentials.js';
import { adminPasswordProblem, DEMO_USER, isDemoUser } from './users/public-credentials.js';

export const configSchema = z.object({
  PORT: env.port(8083),
  LOG_LEVEL: env.logLevel(),
  BIND_HOST: env.bindHost(),
  DATABASE_URL: env.url('postgres://postgres:password@127.0.0.1:5432/users'),
  SEED_EMAIL: z
    .string()
    .email()
    .default('admin@example.com')
    .refine((email) => !isDemoUser(normaliseEmail(email)), {
      message: `must not be the page's demo user ${DEMO_USER.email}, which never holds the admin right`,
    }),
  /**
   * The seed administrator's password, applied whenever it differs from the one applied last (see
   * users/seed.ts). Unset: the administrator, when created, gets a random password shown nowhere.
   */
  SEED_PASSWORD: z.string().min(8).optional(),
  SEED_FIRST_NAME: z.string().default('Admin'),
  SEED_LAST_NAME: z.string().default('User'),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  STATEMENT_TIMEOUT_MS: env.positiveInt(5000),
  DB_POOL_MAX: env.positiveInt(10),
  DB_CONNECT_TIMEOUT_MS: env.positiveInt(3000),
  // The login counters, shared by every replica (README, "Login limits").
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: env.redisKeyPrefix(),
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

/** True when nothing but this machine reaches the service: where a published password may guard an admin. */
export const isLocalDevelopment = (config: Pick<Config, 'BIND_HOST'>): boolean =>
  isLoopbackHost(config.BIND_HOST);

export function readConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(configSchema, source);
  // Checked apart from the schema, and the message never holds the value: a password never reaches a log.
  const problem =
    config.SEED_PASSWORD === undefined
      ? undefined
      : adminPasswordProblem(config.SEED_PASSWORD, isLocalDevelopment(config));
  if (problem) throw new ConfigError([`SEED_PASSWORD ${problem}`]);
  return config;
}
