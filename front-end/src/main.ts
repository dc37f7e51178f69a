import { runMain, serveHttp } from '@suite/toolbox';
import { SERVICE } from './app.js';
import { readConfig } from './config.js';
import { buildFrontEnd } from './service.js';

runMain(SERVICE, async () => {
  const config = readConfig();
  const frontEnd = buildFrontEnd(config);
  await serveHttp(frontEnd.app, {
    port: config.PORT,
    host: config.BIND_HOST,
    logger: frontEnd.logger,
    details: { brokerUrl: config.BROKER_URL },
    closeAfter: [['front-end', () => frontEnd.close()]],
  });
});
