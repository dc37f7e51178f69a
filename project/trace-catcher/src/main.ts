import { createLogger, env, handleShutdown, loadConfig, runMain } from '@suite/toolbox';
import { z } from 'zod';
import { startTraceCatcher } from './catcher.js';

const configSchema = z.object({
  TRACE_CATCHER_OTLP_PORT: env.port(4318),
  TRACE_CATCHER_WEB_PORT: env.port(16686),
  TRACE_CATCHER_HOST: z.string().default('127.0.0.1'),
  TRACE_CATCHER_MAX_TRACES: env.positiveInt(500),
  LOG_LEVEL: env.logLevel(),
});

runMain('trace-catcher', async () => {
  const config = loadConfig(configSchema);
  const logger = createLogger('trace-catcher', config.LOG_LEVEL);
  const catcher = await startTraceCatcher({
    otlpPort: config.TRACE_CATCHER_OTLP_PORT,
    webPort: config.TRACE_CATCHER_WEB_PORT,
    host: config.TRACE_CATCHER_HOST,
    maxTraces: config.TRACE_CATCHER_MAX_TRACES,
  });
  logger.info(
    { otlp: catcher.otlpUrl, web: catcher.webUrl },
    `catching traces at ${catcher.otlpUrl}, view them at ${catcher.webUrl}`,
  );
  handleShutdown({ logger, steps: [['trace-catcher', () => catcher.close()]] });
});
