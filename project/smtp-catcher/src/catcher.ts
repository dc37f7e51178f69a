import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer, type Logger, listen } from '@suite/toolbox';
import { createSmtpServer } from './smtp.js';
import { type CaughtMessage, type MessagePredicate, MessageStore } from './store.js';
import { createWebApp } from './web.js';

export interface SmtpCatcherOptions {
  /** 0 picks a free port. */
  smtpPort?: number;
  /** 0 picks a free port. */
  webPort?: number;
  host?: string;
  /** Only the newest N messages are kept. */
  maxMessages?: number;
  /** Larger messages are refused with 552. */
  maxMessageBytes?: number;
  logger?: Logger;
}

export interface SmtpCatcher {
  smtpPort: number;
  webPort: number;
  webUrl: string;
  /** Oldest first. */
  messages(): CaughtMessage[];
  waitFor(predicate: MessagePredicate, timeoutMs: number): Promise<CaughtMessage>;
  clear(): void;
  /** Refuses the next `count` messages at DATA with `code` (4xx transient, 5xx permanent), to test senders. */
  rejectNext(count: number, code?: number, message?: string): void;
  close(): Promise<void>;
}

export async function startSmtpCatcher(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
  const {
    smtpPort = 1025,
    webPort = 8025,
    host = '127.0.0.1',
    maxMessages = 500,
    maxMessageBytes = 10 * 1024 * 1024,
    logger,
  } = options;
  const store = new MessageStore(maxMessages);
  let rejections: { remaining: number; code: number; message: string } | undefined;

  const smtp = createSmtpServer({
    store,
    maxMessageBytes,
    logger,
    rejectCode: () => {
      if (!rejections || rejections.remaining <= 0) return undefined;
      rejections.remaining -= 1;
      return { code: rejections.code, message: rejections.message };
    },
  });
  smtp.on('error', (err) => logger?.error({ err: err.message }, 'smtp server error'));
  const boundSmtpPort = await new Promise<number>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(smtpPort, host, () => {
      smtp.server.off('error', reject);
      resolve((smtp.server.address() as AddressInfo).port);
    });
  });

  const web = http.createServer(createWebApp(store, () => boundSmtpPort));
  let boundWebPort: number;
  try {
    boundWebPort = await listen(web, webPort, host);
  } catch (err) {
    await closeSmtp(smtp);
    throw err;
  }
  const webUrl = `http://${host.includes(':') ? `[${host}]` : host}:${boundWebPort}`;

  return {
    smtpPort: boundSmtpPort,
    webPort: boundWebPort,
    webUrl,
    messages: () => store.list(),
    waitFor: (predicate, timeoutMs) => store.waitFor(predicate, timeoutMs),
    clear: () => store.clear(),
    rejectNext: (count, code = 451, message = 'temporary failure, try again later') => {
      rejections = { remaining: count, code, message };
    },
    close: async () => {
      await Promise.all([closeHttpServer(web, 1000), closeSmtp(smtp)]);
    },
  };
}

function closeSmtp(smtp: ReturnType<typeof createSmtpServer>): Promise<void> {
  return new Promise((resolve) => smtp.close(() => resolve()));
}
