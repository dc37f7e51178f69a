import { RPC_MAX_BATCH, RPC_MAX_LINE_BYTES } from '@suite/proto';
import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';
import { sessionSecretProblem } from './admin/secrets.js';
import { DEFAULT_MAX_GRPC_CONNECTIONS } from './grpc/server.js';
import { DEFAULT_MAX_BUFFERED_BYTES } from './rpc/server.js';

export const configSchema = z.object({
  PORT: env.port(8082),
  LOG_LEVEL: env.logLevel(),
  /** Interface the HTTP, JSON-RPC and gRPC listeners bind; every interface when unset (containers). */
  BIND_HOST: env.bindHost(),
  MONGO_URL: env.url('mongodb://127.0.0.1:27017/logs'),
  RPC_PORT: env.port(5001),
  GRPC_PORT: env.port(50001),
  AUTH_SERVICE_URL: env.url('http://127.0.0.1:8083'),
  MONGO_SERVER_SELECTION_TIMEOUT_MS: env.positiveInt(3000),
  /** Longest wait for MongoDB's answer on a socket, and for a pooled connection: a stalled server fails calls. */
  MONGO_OPERATION_TIMEOUT_MS: env.positiveInt(5000),
  /** Days a log entry is kept (a TTL index on created_at); 0 keeps entries for ever. */
  LOG_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  /** The longest valid call by default; lower refuses valid entries, higher only costs memory. */
  RPC_MAX_LINE_BYTES: env.positiveInt(RPC_MAX_LINE_BYTES),
  /** Unfinished lines of all JSON-RPC connections together (32 MiB: a small share of a 256 MB container). */
  RPC_MAX_BUFFERED_BYTES: env.positiveInt(DEFAULT_MAX_BUFFERED_BYTES),
  RPC_MAX_BATCH: env.positiveInt(RPC_MAX_BATCH),
  RPC_MAX_IN_FLIGHT_PER_CONNECTION: env.positiveInt(256),
  RPC_MAX_CONNECTIONS: env.positiveInt(512),
  RPC_IDLE_TIMEOUT_MS: env.positiveInt(300_000),
  GRPC_MAX_CONNECTIONS: env.positiveInt(DEFAULT_MAX_GRPC_CONNECTIONS),
  /** Empty or unset: a random secret per process (see sessionSecretOrRandom). */
  SESSION_SECRET: z.string().optional(),
  SESSION_IDLE_MINUTES: env.positiveInt(30),
  SESSION_ABSOLUTE_HOURS: env.positiveInt(8),
  /**
   * How long authentication-service's confirmation of an admin's right stands: revoking the right,
   * resetting the password or deleting the user ends that user's sessions within this time.
   */
  ADMIN_RIGHT_CHECK_SECONDS: env.positiveInt(60),
  /** `true` marks the session cookie Secure on every answer, not only on requests that arrived over HTTPS. */
  SESSION_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Proxies whose X-Forwarded-Proto (HTTPS in front of the service) is believed; none by default. */
  TRUSTED_PROXIES: env.trustedProxies(''),
  /** The trace view as an administrator's browser reaches it (trace catcher or Jaeger UI); unset: no trace links. */
  TRACE_VIEW_URL: z.union([z.literal(''), z.string().url()]).default(''),
});
export type Config = z.infer<typeof configSchema>;

export function readConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(configSchema, source);
  // Checked apart from the schema, whose error would print the value: a secret never reaches a log.
  const problem =
    config.SESSION_SECRET === undefined ? undefined : sessionSecretProblem(config.SESSION_SECRET);
  if (problem) throw new Error(`SESSION_SECRET ${problem}`);
  return config;
}
