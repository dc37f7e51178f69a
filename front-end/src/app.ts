import { createHttpApp, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import { pageRoutes } from './routes/page.js';

export const SERVICE = 'front-end';

export interface AppDeps {
  logger: Logger;
  /** The rendered page, built once at start-up. */
  page: string;
  /** The broker's origin, allowed by the CSP's `connect-src`. */
  brokerOrigin: string;
  publicDir: string;
}

export function createApp({ logger, ...pageDeps }: AppDeps): Express {
  return createHttpApp({ service: SERVICE, logger, routes: (app) => pageRoutes(app, pageDeps) });
}
