import { createRequire } from 'node:module';
import express, { type IRouter } from 'express';
import helmet from 'helmet';

const resolveFromHere = createRequire(import.meta.url);
/** Served from the installed package so the page looks right with no internet access. */
const BOOTSTRAP_CSS = resolveFromHere.resolve('bootstrap/dist/css/bootstrap.min.css');

export interface PageRouteDeps {
  /** The rendered page, built once at start-up. */
  page: string;
  /** The broker's origin, the one place besides this one that the page may call (CSP `connect-src`). */
  brokerOrigin: string;
  publicDir: string;
}

/** The test page, its script and styles, under a Content-Security-Policy that forbids inline code. */
export function pageRoutes(router: IRouter, { page, brokerOrigin, publicDir }: PageRouteDeps): void {
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", brokerOrigin],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // The suite runs over plain http on localhost; upgrading would break the broker calls.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  router.get('/', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/static/bootstrap.min.css', (_req, res) => {
    res.sendFile(BOOTSTRAP_CSS, { maxAge: '1d' });
  });
  router.get('/static/bootstrap.min.css.map', (_req, res) => {
    res.sendFile(`${BOOTSTRAP_CSS}.map`, { maxAge: '1d' });
  });
  router.use('/static', express.static(publicDir, { index: false, maxAge: '1h' }));
}
