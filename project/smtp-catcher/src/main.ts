import { createLogger, env, handleShutdown, loadConfig, runMain } from '@suite/toolbox';
import { z } from 'zod';
import { startSmtpCatcher } from './catcher.js';

const configSchema = z.object({
  SMTP_CATCHER_SMTP_PORT: env.port(1025),
  SMTP_CATCHER_WEB_PORT: env.port(8025),
  SMTP_CATCHER_HOST: z.string().default('127.0.0.1'),
  SMTP_CATCHER_MAX_MESSAGES: env.positiveInt(500),
  LOG_LEVEL: env.logLevel(),
});

runMain('smtp-catcher', async () => {
  const config = loadConfig(configSchema);
  const logger = createLogger('smtp-catcher', config.LOG_LEVEL);
  const catcher = await startSmtpCatcher({
    smtpPort: config.SMTP_CATCHER_SMTP_PORT,
    webPort: config.SMTP_CATCHER_WEB_PORT,
    host: config.SMTP_CATCHER_HOST,
    maxMessages: config.SMTP_CATCHER_MAX_MESSAGES,
    logger,
  });
  logger.info(
    { smtp: `${config.SMTP_CATCHER_HOST}:${catcher.smtpPort}`, web: catcher.webUrl },
    `catching mail on SMTP port ${catcher.smtpPort}, read it at ${catcher.webUrl}`,
  );
  handleShutdown({ logger, steps: [['smtp-catcher', () => catcher.close()]] });
});
