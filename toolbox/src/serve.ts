import http from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { closeHttpServer, handleShutdown, listen, type ShutdownStep } from './shutdown.js';

export interface ServeOptions {
  port: number;
  host?: string;
  logger: Logger;
  /** Extra fields for the "listening" line, e.g. the other ports a service opened. */
  details?: Record<string, unknown>;
  /** Closed in order after the HTTP server has drained: consumers first, then clients and pools. */
  closeAfter?: ShutdownStep[];
}

/**
 * The tail of every composition root: listen, say where, and on SIGTERM/SIGINT stop taking
 * requests before closing what the service built.
 */
export async function serveHttp(
  app: Express,
  options: ServeOptions,
): Promise<{ server: http.Server; port: number }> {
  const { logger, details = {}, closeAfter = [] } = options;
  const server = http.createServer(app);
  const port = await listen(server, options.port, options.host);
  logger.info({ ...(options.host ? { host: options.host } : {}), port, ...details }, 'listening');
  handleShutdown({ logger, steps: [['http', () => closeHttpServer(server)], ...closeAfter] });
  return { server, port };
}
