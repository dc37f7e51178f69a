import express, { type Express, type Response } from 'express';
import { toMailhogMessage } from './mailhog.js';
import type { MessageStore } from './store.js';
import { renderList, renderMessage } from './views.js';

// The HTML part is shown in a sandboxed iframe; this keeps scripts out of the page and the mail alike.
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; frame-ancestors 'self'";

export function createWebApp(store: MessageStore, smtpPort: () => number): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/ping', (_req, res) => {
    res.json({ error: false, message: 'pong' });
  });
  // Both servers listen before the app exists, so being able to answer means being ready.
  app.get('/readyz', (_req, res) => {
    res.json({ error: false, message: 'ready' });
  });

  // Browsers ask for it on every page; a 404 would show as an error in their console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  app.get('/', (_req, res) => {
    sendPage(res, renderList(store.stored(), smtpPort()));
  });
  app.get('/messages/:id', (req, res) => {
    const message = store.get(req.params.id);
    if (!message) {
      res.status(404).type('text/plain').send('no such message');
      return;
    }
    sendPage(res, renderMessage(message));
  });

  app.get('/api/messages', (_req, res) => {
    res.json(store.list());
  });
  app.get('/api/messages/:id', (req, res) => {
    const message = store.list().find((m) => m.id === req.params.id);
    if (message) res.json(message);
    else res.status(404).json({ error: true, message: `no message ${req.params.id}` });
  });
  app.get('/api/messages/:id/raw', (req, res) => {
    const message = store.get(req.params.id);
    if (message) res.type('text/plain').send(message.raw);
    else res.status(404).type('text/plain').send('no such message');
  });
  const clear = (_req: unknown, res: Response) => {
    store.clear();
    res.json({ error: false, message: 'deleted all messages' });
  };
  app.delete('/api/messages', clear);

  // MailHog's API, so scripts and tools written against MailHog keep working.
  app.get('/api/v2/messages', (req, res) => {
    const all = [...store.stored()].reverse();
    const start = nonNegative(req.query.start, 0);
    const limit = nonNegative(req.query.limit, 50);
    const items = all.slice(start, start + limit).map(toMailhogMessage);
    res.json({ total: all.length, count: items.length, start, items });
  });
  app.delete('/api/v1/messages', clear);

  app.use((_req, res) => {
    res.status(404).json({ error: true, message: 'not found' });
  });
  return app;
}

function sendPage(res: Response, html: string): void {
  res.setHeader('Content-Security-Policy', PAGE_POLICY);
  res.type('html').send(html);
}

function nonNegative(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
