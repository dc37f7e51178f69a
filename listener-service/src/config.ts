import { DEFAULT_EVENTS_QUEUE, LOGS_EXCHANGE } from '@suite/proto';
import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8085),
  LOG_LEVEL: env.logLevel(),
  BIND_HOST: env.bindHost(),
  RABBIT_URL: env.url('amqp://guest:guest@127.0.0.1:5672'),
  LOGGER_TRANSPORT: z.enum(['rpc', 'grpc']).default('rpc'),
  LOGGER_RPC_ADDR: env.hostPort('127.0.0.1:5001'),
  LOGGER_GRPC_ADDR: env.hostPort('127.0.0.1:50001'),
  QUEUE_NAME: z.string().min(1).default(DEFAULT_EVENTS_QUEUE),
  PREFETCH: env.positiveInt(300),
  RETRY_BASE_MS: env.positiveInt(1000),
  RETRY_MAX_MS: env.positiveInt(60_000),
  EXCHANGE_NAME: z.string().min(1).default(LOGS_EXCHANGE),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
