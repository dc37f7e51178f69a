import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createHttpApp, type Logger } from '@suite/toolbox';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { loadTemplates, renderPage } from './page.js';

export const SERVICE = 'front-end';

const resolveFromHere = createRequire(import.meta.url);
/** Served from the installed package so the page looks right with no internet access. */
export const BOOTSTRAP_CSS = resolveFromHere.resolve('bootstrap/dist/css/bootstrap.min.css');

export interface FrontEndDeps {
  logger: Logger;
  /** The URL the browser calls; rendered into the page and allowed by the CSP. */
  brokerUrl: string;
  templatesDir?: string;
  publicDir?: string;
}

// Relative to this module, so both `src/` (tests) and `dist/` (built) find them.
const DEFAULT_TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));
const DEFAULT_PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));

export function createApp(deps: FrontEndDeps): Express {
  const brokerUrl = deps.brokerUrl.replace(/\/+$/, '');
  const page = renderPage(loadTemplates(deps.templatesDir ?? DEFAULT_TEMPLATES), brokerUrl);
  return createHttpApp({
    service: SERVICE,
    logger: deps.logger,
    routes: (app) => addRoutes(app, page, { ...deps, brokerUrl }),
  });
}

function addRoutes(app: Express, page: string, deps: FrontEndDeps): void {
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", new URL(deps.brokerUrl).origin],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // The suite runs over plain http on localhost; upgrading would break the broker calls.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );

  app.get('/', (_req, res) => {
    res.type('html').send(page);
  });
  app.get('/static/bootstrap.min.css', (_req, res) => {
    res.sendFile(BOOTSTRAP_CSS, { maxAge: '1d' });
  });
  app.get('/static/bootstrap.min.css.map', (_req, res) => {
    res.sendFile(`${BOOTSTRAP_CSS}.map`, { maxAge: '1d' });
  });
  app.use('/static', express.static(deps.publicDir ?? DEFAULT_PUBLIC, { index: false, maxAge: '1h' }));
}
