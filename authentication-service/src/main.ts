import { runMain, serveHttp } from '@suite/toolbox';
import { readConfig } from './config.js';
import { buildAuthService } from './service.js';

runMain('authentication-service', async () => {
  const config = readConfig();
  const service = await buildAuthService(config);
  await serveHttp(service.app, {
    port: config.PORT,
    host: config.BIND_HOST,
    logger: service.logger,
    // Whose X-Forwarded-For is believed decides what the login limits count; say it once at start.
    details: { trustedProxies: config.TRUSTED_PROXIES.entries },
    closeAfter: [['postgresql', () => service.close()]],
  });
});
