import { runMain, serveHttp } from '@suite/toolbox';
import { readConfig } from './config.js';
import { buildAuthService } from './service.js';

runMain('authentication-service', async () => {
  const config = readConfig();
  const service = await buildAuthService(config);
  await serveHttp(service.app, {
    port: config.PORT,
    logger: service.logger,
    closeAfter: [['postgresql', () => service.close()]],
  });
});
