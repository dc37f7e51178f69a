import { createLogger, handleShutdown, runMain } from '@suite/toolbox';
import { readConfig } from './config.js';
import { startListener } from './listener.js';

runMain('listener-service', async () => {
  const config = readConfig();
  const logger = createLogger('listener-service', config.LOG_LEVEL);
  const listener = await startListener(config, logger);
  logger.info(
    {
      port: listener.port,
      queue: config.QUEUE_NAME,
      exchange: config.EXCHANGE_NAME,
      transport: config.LOGGER_TRANSPORT,
    },
    'listening',
  );
  // One step: the listener stops consuming first, drains in-flight work, then closes its clients and HTTP server.
  handleShutdown({ logger, steps: [['listener', () => listener.stop()]] });
});
