import { env, loadConfig } from '@suite/toolbox';
import { z } from 'zod';

export const configSchema = z.object({
  PORT: env.port(8081),
  LOG_LEVEL: env.logLevel(),
  BIND_HOST: env.bindHost(),
  BROKER_URL: env.url('http://localhost:8080'),
  /** The trace view as the browser reaches it (trace catcher or Jaeger UI); unset: no trace links. */
  TRACE_VIEW_URL: z.union([z.literal(''), z.string().url()]).default(''),
});
export type Config = z.infer<typeof configSchema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configSchema, source);
