import { createLogger, runMain, serveHttp } from '@suite/toolbox';
import { createApp, SERVICE } from './app.js';
import { readConfig } from './config.js';

runMain(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const app = createApp({ logger, brokerUrl: config.BROKER_URL });
  await serveHttp(app, { port: config.PORT, logger, details: { brokerUrl: config.BROKER_URL } });
});
