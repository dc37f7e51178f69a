import { runMain, serveHttp } from '@suite/toolbox';
import { readConfig } from './config.js';
import { buildListener } from './service.js';

runMain('listener-service', async () => {
  const config = readConfig();
  const listener = buildListener(config);
  await serveHttp(listener.app, {
    port: config.PORT,
    host: config.BIND_HOST,
    logger: listener.logger,
    details: { queue: config.QUEUE_NAME, exchange: config.EXCHANGE_NAME, transport: config.LOGGER_TRANSPORT },
    // After the HTTP server: stop consuming, drain in-flight events, close the logger client.
    closeAfter: [['listener', () => listener.close()]],
  });
});
