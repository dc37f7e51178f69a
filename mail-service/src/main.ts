import { createLogger, runMain, serveHttp } from '@suite/toolbox';
import { createApp } from './app.js';
import { createMailer } from './clients/smtp.js';
import { readConfig } from './config.js';
import { loadTemplates } from './render.js';

runMain('mail-service', async () => {
  const config = readConfig();
  const logger = createLogger('mail-service', config.LOG_LEVEL);
  const render = loadTemplates();
  const mailer = createMailer({
    host: config.MAIL_HOST,
    port: config.MAIL_PORT,
    encryption: config.MAIL_ENCRYPTION,
    username: config.MAIL_USERNAME,
    password: config.MAIL_PASSWORD,
    domain: config.MAIL_DOMAIN,
    maxConnections: config.MAIL_MAX_CONNECTIONS,
    timeoutMs: config.MAIL_TIMEOUT_MS,
    logger,
  });
  const app = createApp({
    logger,
    mailer,
    render,
    defaultFrom: { name: config.FROM_NAME, address: config.FROM_ADDRESS },
  });
  await serveHttp(app, {
    port: config.PORT,
    logger,
    details: { smtp: `${config.MAIL_HOST}:${config.MAIL_PORT}` },
    closeAfter: [['smtp', async () => mailer.close()]],
  });
});
