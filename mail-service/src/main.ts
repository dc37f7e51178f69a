import { runMain, serveHttp } from '@suite/toolbox';
import { readConfig } from './config.js';
import { buildMailService } from './service.js';

runMain('mail-service', async () => {
  const config = readConfig();
  const service = buildMailService(config);
  await serveHttp(service.app, {
    port: config.PORT,
    host: config.BIND_HOST,
    logger: service.logger,
    details: { smtp: `${config.MAIL_HOST}:${config.MAIL_PORT}` },
    closeAfter: [['mail-service', () => service.close()]],
  });
});
