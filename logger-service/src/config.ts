import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8082),
  LOG_LEVEL: env.logLevel(),
  MONGO_URL: env.url('mongodb://127.0.0.1:27017/logs'),
  RPC_PORT: env.port(5001),
  GRPC_PORT: env.port(50001),
  AUTH_SERVICE_URL: env.url('http://127.0.0.1:8083'),
  MONGO_SERVER_SELECTION_TIMEOUT_MS: env.positiveInt(3000),
  RPC_MAX_LINE_BYTES: env.positiveInt(1 << 20),
  SESSION_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .default('dev-only-session-secret-change-me'),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
