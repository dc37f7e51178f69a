import { createHttpApp, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import type { Mailer } from './clients/smtp.js';
import type { RenderMail } from './render.js';
import { sendRoutes } from './routes/send.js';
import type { Mailbox } from './validation.js';

export interface AppDeps {
  logger: Logger;
  mailer: Mailer;
  render: RenderMail;
  defaultFrom: Mailbox;
}

/** Large enough for the longest valid message (10,000 characters, even if every one is escaped) with headroom. */
const BODY_LIMIT = '64kb';

export function createApp({ logger, mailer, render, defaultFrom }: AppDeps): Express {
  return createHttpApp({
    service: 'mail-service',
    logger,
    bodyLimit: BODY_LIMIT,
    readiness: { smtp: () => mailer.verify() },
    routes: (app) => app.use(sendRoutes({ mailer, render, defaultFrom })),
  });
}
