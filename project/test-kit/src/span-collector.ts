import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExport, type TraceSpan } from '@suite/trace-catcher';

/** One finished span as the services exported it, decoded as the trace catcher decodes it. */
export type CollectedSpan = TraceSpan;

export interface SpanCollector {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT should say (the exporters add `/v1/traces`). */
  endpoint: string;
  spans(): CollectedSpan[];
  close(): Promise<void>;
}

/**
 * The tests' in-memory exporter: an OTLP/HTTP (JSON) receiver that keeps every span the services
 * send, so a test reads one click's trace across processes.
 */
export async function startSpanCollector(): Promise<SpanCollector> {
  const collected: CollectedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        collected.push(...parseExport(Buffer.concat(chunks), req.headers['content-encoding']));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...collected],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
