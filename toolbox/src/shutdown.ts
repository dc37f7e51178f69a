import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Logger } from 'pino';
import { flushTraces } from './trace.js';

/**
 * Stops accepting connections, lets in-flight requests finish, and closes idle keep-alive
 * connections as they free up; after `graceMs` the stragglers are cut.
 */
export function closeHttpServer(server: Server, graceMs = 5000): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((err) => {
      clearInterval(sweep);
      clearTimeout(cut);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

/** Listens on any server (HTTP, or plain TCP like the JSON-RPC one) and resolves with the bound port. */
export function listen(server: NetServer, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export type ShutdownStep = [name: string, close: () => Promise<unknown>];

export interface ShutdownOptions {
  logger: Logger;
  /** Run in order: servers first (stop taking work), then consumers, then clients and pools. */
  steps: ShutdownStep[];
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

/** Installs SIGTERM/SIGINT handlers; returns the shutdown function so tests can trigger it directly. */
export function handleShutdown(options: ShutdownOptions): () => Promise<void> {
  const { logger, steps, timeoutMs = 10_000, signals = ['SIGTERM', 'SIGINT'], exit = process.exit } = options;
  let running: Promise<void> | undefined;

  const shutdown = () => {
    if (running) return running;
    running = (async () => {
      // Not unref'd: a step stuck on a promise that holds no handle would otherwise let the event
      // loop drain and the process end with 0, as if the shutdown had been clean.
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out, exiting');
        exit(1);
      }, timeoutMs);
      let code = 0;
      for (const [name, close] of steps) {
        try {
          await close();
          logger.info({ step: name }, 'closed');
        } catch (err) {
          code = 1;
          logger.error({ step: name, err }, 'close failed');
        }
      }
      // The spans of the last requests, still in the SDK's batch.
      await flushTraces().catch((err: unknown) => logger.warn({ err }, 'could not send the last spans'));
      clearTimeout(deadline);
      logger.info('shutdown complete');
      exit(code);
    })();
    return running;
  };

  for (const signal of signals) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      // A second signal means the operator is done waiting.
      process.once(signal, () => exit(1));
      void shutdown();
    });
  }
  return shutdown;
}
