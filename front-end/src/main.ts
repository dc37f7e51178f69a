import http from 'node:http';
import { closeHttpServer, createLogger, handleShutdown, listen, runMain } from '@suite/toolbox';
import { createApp, SERVICE } from './app.js';
import { readConfig } from './config.js';

runMain(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = createApp({ logger, brokerUrl: config.BROKER_URL });
  const server = http.createServer(app);
  const port = await listen(server, config.PORT);
  logger.info({ port, brokerUrl: config.BROKER_URL }, 'listening');
  handleShutdown({ logger, steps: [['http', () => closeHttpServer(server)]] });
});
