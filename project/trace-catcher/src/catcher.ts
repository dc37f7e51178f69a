import http from 'node:http';
import { closeHttpServer, listen } from '@suite/toolbox';
import { toJaeger } from './jaeger.js';
import { parseExport } from './otlp.js';
import { TraceStore } from './store.js';
import { listPage, notFoundPage, tracePage } from './views.js';

export interface TraceCatcherOptions {
  /** OTLP/HTTP in (4318, as the collector's and Jaeger's); 0 picks a free port. */
  otlpPort?: number;
  /** The trace view and Jaeger's query API (16686, as Jaeger's UI); 0 picks a free port. */
  webPort?: number;
  host?: string;
  /** Only the newest N traces are kept. */
  maxTraces?: number;
  /** Larger export requests are refused with 413. */
  maxBodyBytes?: number;
}

export interface TraceCatcher {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT says to reach it. */
  otlpUrl: string;
  /** The trace view; a trace is at `${webUrl}/trace/<trace id>`, as in Jaeger's UI. */
  webUrl: string;
  store: TraceStore;
  close(): Promise<void>;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;

/**
 * The development trace view of `make run`, as the SMTP catcher is its mail view: OTLP/HTTP (JSON)
 * in, the recent traces in memory, a page listing them and one drawing each as a waterfall of spans
 * per service, and the part of Jaeger's query API the checks read (`/api/traces`, `/api/services`).
 */
export async function startTraceCatcher(options: TraceCatcherOptions = {}): Promise<TraceCatcher> {
  const {
    otlpPort = 4318,
    webPort = 16686,
    host = '127.0.0.1',
    maxTraces = 500,
    maxBodyBytes = 16 * 1024 * 1024,
  } = options;
  const store = new TraceStore(maxTraces);
  const base = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const otlp = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/traces') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('POST OTLP/HTTP JSON to /v1/traces\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      if (!req.headers['content-type']?.includes('json')) {
        res.writeHead(415, { 'content-type': 'text/plain' }).end('only OTLP/HTTP JSON (application/json)\n');
        return;
      }
      try {
        store.add(parseExport(Buffer.concat(chunks), req.headers['content-encoding']));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`);
      }
    });
  });

  const otlpUrl = base(await listen(otlp, otlpPort, host));
  const web = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catcher');
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const html = (status: number, body: string) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method !== 'GET') return json(405, { errors: [{ msg: 'GET only' }] });
    if (parts.length === 0) return html(200, listPage(store.find({ limit: 100 }), otlpUrl));
    if (parts[0] === 'trace' && parts.length === 2) {
      const trace = TRACE_ID.test(parts[1] ?? '') ? store.get(parts[1]!) : undefined;
      return trace ? html(200, tracePage(trace)) : html(404, notFoundPage(parts[1] ?? ''));
    }
    if (parts[0] === 'api' && parts[1] === 'services' && parts.length === 2) {
      return json(200, { data: store.services() });
    }
    if (parts[0] === 'api' && parts[1] === 'traces' && parts.length === 2) {
      const limit = Math.min(1000, Number(url.searchParams.get('limit')) || 20);
      const service = url.searchParams.get('service') ?? undefined;
      return json(200, { data: store.find({ service, limit }).map(toJaeger) });
    }
    if (parts[0] === 'api' && parts[1] === 'traces' && parts.length === 3) {
      const trace = TRACE_ID.test(parts[2] ?? '') ? store.get(parts[2]!) : undefined;
      return trace
        ? json(200, { data: [toJaeger(trace)] })
        : json(404, { data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    }
    if (url.pathname === '/health') return json(200, { status: 'ok' });
    return html(404, '<!doctype html><p>Not found. <a href="/">All traces</a></p>');
  });
  let webUrl: string;
  try {
    webUrl = base(await listen(web, webPort, host));
  } catch (err) {
    await closeHttpServer(otlp);
    throw err;
  }
  return {
    otlpUrl,
    webUrl,
    store,
    close: async () => {
      await Promise.all([closeHttpServer(otlp, 1000), closeHttpServer(web, 1000)]);
    },
  };
}
