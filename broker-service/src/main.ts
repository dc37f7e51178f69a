import { runMain, serveHttp } from '@suite/toolbox';
import { SERVICE } from './app.js';
import { readConfig } from './config.js';
import { buildBroker } from './service.js';

runMain(SERVICE, async () => {
  const config = readConfig();
  const broker = buildBroker(config);
  await serveHttp(broker.app, {
    port: config.PORT,
    host: config.BIND_HOST,
    logger: broker.logger,
    closeAfter: [['broker', () => broker.close()]],
  });
});
