import { createLogger, createResources, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import { createApp } from './app.js';
import { createMailer, type Mailer } from './clients/smtp.js';
import type { Config } from './config.js';
import { createComposer } from './mime.js';
import { allowRecipientDomains } from './recipient-domains.js';
import { loadTemplates, type RenderMail } from './render.js';

/** What a test may replace; production passes none of these. */
export interface MailServiceOverrides {
  logger?: Logger;
  /** Stands in for SMTP (unit tests); the service then opens no SMTP connection. */
  mailer?: Mailer;
  render?: RenderMail;
}

export interface MailService {
  /** The HTTP routes; the caller serves them (main.ts on PORT, tests on port 0). */
  app: Express;
  mailer: Mailer;
  logger: Logger;
  /** Closes the pooled SMTP connections. */
  close(): Promise<void>;
}

/** The one wiring of the mail-service: templates, the sender and recipient policy, the pooled SMTP transport and the routes. */
export function buildMailService(config: Config, overrides: MailServiceOverrides = {}): MailService {
  const logger = overrides.logger ?? createLogger('mail-service', config.LOG_LEVEL);
  const render = overrides.render ?? loadTemplates();
  const resources = createResources(logger);
  // A mailer handed in is closed too: the service is its only user.
  const mailer = resources.own(
    'smtp',
    overrides.mailer ??
      createMailer({
        host: config.MAIL_HOST,
        port: config.MAIL_PORT,
        encryption: config.MAIL_ENCRYPTION,
        username: config.MAIL_USERNAME,
        password: config.MAIL_PASSWORD,
        domain: config.MAIL_DOMAIN,
        maxConnections: config.MAIL_MAX_CONNECTIONS,
        timeoutMs: config.MAIL_TIMEOUT_MS,
        logger,
      }),
    (smtp) => smtp.close(),
  );
  const app = createApp({
    logger,
    mailer,
    render,
    compose: createComposer({ name: config.FROM_NAME, address: config.FROM_ADDRESS }),
    checkRecipient: allowRecipientDomains(config.MAIL_ALLOWED_DOMAINS),
  });
  return { app, mailer, logger, close: resources.close };
}
