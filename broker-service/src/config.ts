import { DEFAULT_EVENTS_QUEUE, LOGS_EXCHANGE } from '@suite/proto';
import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8080),
  LOG_LEVEL: env.logLevel(),
  BIND_HOST: env.bindHost(),
  AUTH_SERVICE_URL: env.url('http://127.0.0.1:8083'),
  MAIL_SERVICE_URL: env.url('http://127.0.0.1:8084'),
  LOGGER_SERVICE_URL: env.url('http://127.0.0.1:8082'),
  LOGGER_RPC_ADDR: env.hostPort('127.0.0.1:5001'),
  LOGGER_GRPC_ADDR: env.hostPort('127.0.0.1:50001'),
  RABBIT_URL: env.url('amqp://guest:guest@127.0.0.1:5672'),
  CORS_ORIGINS: env.list('http://localhost:8081,http://127.0.0.1:8081'),
  // The proxies in front of the broker whose X-Forwarded-For is believed; none by default.
  TRUSTED_PROXIES: env.trustedProxies(''),
  // Mails per minute per client address, counted in Redis so every replica shares the count.
  MAIL_RATE_LIMIT: env.positiveInt(30),
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: env.redisKeyPrefix(),
  DOWNSTREAM_TIMEOUT_MS: env.positiveInt(5000),
  // Mail may take a retry inside the mail-service, so it gets longer than the other peers.
  MAIL_TIMEOUT_MS: env.positiveInt(15_000),
  EXCHANGE_NAME: z.string().min(1).default(LOGS_EXCHANGE),
  // The listener's shared queue, declared with the exchange so events wait even while no listener runs.
  QUEUE_NAME: z.string().min(1).default(DEFAULT_EVENTS_QUEUE),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
