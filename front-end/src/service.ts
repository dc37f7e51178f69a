import { fileURLToPath } from 'node:url';
import { createLogger, createResources, type Logger } from '@suite/toolbox';
import type { Express } from 'express';
import { createApp, SERVICE } from './app.js';
import type { Config } from './config.js';
import { loadTemplates, renderPage } from './page.js';

// Relative to this module, so both `src/` (tests) and `dist/` (built) find them.
const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));
const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** What a test may replace; production passes none of these. */
export interface FrontEndOverrides {
  logger?: Logger;
}

export interface FrontEnd {
  /** The HTTP routes; the caller serves them (main.ts on PORT, tests on port 0). */
  app: Express;
  logger: Logger;
  /** Nothing to release yet: the page holds no connections. */
  close(): Promise<void>;
}

/** The one wiring of the front-end: the page is rendered once, with the broker URL the browser calls. */
export function buildFrontEnd(config: Config, overrides: FrontEndOverrides = {}): FrontEnd {
  const logger = overrides.logger ?? createLogger(SERVICE, config.LOG_LEVEL);
  const brokerUrl = withoutTrailingSlashes(config.BROKER_URL);
  const app = createApp({
    logger,
    page: renderPage(
      loadTemplates(TEMPLATES_DIR),
      brokerUrl,
      config.TRACE_VIEW_URL && withoutTrailingSlashes(config.TRACE_VIEW_URL),
    ),
    brokerOrigin: new URL(brokerUrl).origin,
    publicDir: PUBLIC_DIR,
  });
  // Empty: the page holds no connections; whatever the front-end opens one day is owned here.
  const resources = createResources(logger);
  return { app, logger, close: resources.close };
}

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
