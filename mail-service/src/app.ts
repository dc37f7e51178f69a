import { createHttpApp, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import { HTTP_STATUS } from './failures.js';
import { type SendRouteDeps, sendRoutes } from './routes/send.js';

export interface AppDeps extends SendRouteDeps {
  logger: Logger;
}

/** Large enough for the longest valid message (10,000 characters, even if every one is escaped) with headroom. */
const BODY_LIMIT = '64kb';

export function createApp({ logger, ...send }: AppDeps): Express {
  return createHttpApp({
    service: 'mail-service',
    logger,
    bodyLimit: BODY_LIMIT,
    failureStatus: HTTP_STATUS,
    readiness: { smtp: () => send.mailer.verify() },
    routes: (app) => sendRoutes(app, send),
  });
}
