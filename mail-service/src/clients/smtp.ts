import { badGateway, type Logger, retry, withTimeout } from '@suite/toolbox';
import nodemailer from 'nodemailer';
import type { Mailbox } from '../validation.js';

export interface SmtpOptions {
  host: string;
  port: number;
  encryption: 'none' | 'tls' | 'ssl';
  username?: string;
  password?: string;
  /** The name this service greets the SMTP server with (EHLO). */
  domain: string;
  maxConnections: number;
  timeoutMs: number;
  logger: Logger;
}

export interface OutgoingMail {
  from: Mailbox;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Sends once, once more after a transient failure; throws a 502 AppError when the mail did not go out. */
  send(mail: OutgoingMail): Promise<void>;
  /** Resolves when the SMTP server answers; results are cached briefly so probes do not hammer it. */
  verify(): Promise<void>;
  close(): void;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
]);
const VERIFY_TIMEOUT_MS = 1500;
const VERIFY_CACHE_MS = 5000;

/** One pooled transport for the life of the process: connections are reused across requests. */
export function createMailer(options: SmtpOptions): Mailer {
  const { logger, timeoutMs } = options;
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: options.maxConnections,
    host: options.host,
    port: options.port,
    name: options.domain,
    ...encryptionSettings(options.encryption),
    ...(options.username ? { auth: { user: options.username, pass: options.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  // Pool errors also reach each send's callback; this listener only keeps an emitted one from crashing the process.
  transporter.on('error', (err) => logger.warn({ err: err.message }, 'smtp transport error'));

  let lastCheck: { at: number; result: Promise<void> } | undefined;

  return {
    async send(mail) {
      try {
        await retry(
          () =>
            transporter.sendMail({
              from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
              to: mail.to,
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
            }),
          {
            retries: 1,
            baseDelayMs: 200,
            maxDelayMs: 400,
            shouldRetry: isTransient,
            onRetry: (err, attempt, delayMs) =>
              logger.warn({ err: describe(err), attempt, delayMs }, 'smtp send failed, retrying'),
          },
        );
      } catch (err) {
        logger.warn({ err: describe(err), to: mail.to }, 'smtp send failed');
        throw toAppError(err);
      }
    },

    verify() {
      const now = Date.now();
      if (!lastCheck || now - lastCheck.at > VERIFY_CACHE_MS) {
        const result = withTimeout(
          transporter.verify().then(() => undefined),
          VERIFY_TIMEOUT_MS,
          `mail server did not answer within ${VERIFY_TIMEOUT_MS} ms`,
        );
        result.catch(() => undefined);
        lastCheck = { at: now, result };
      }
      return lastCheck.result;
    },

    close() {
      transporter.close();
    },
  };
}

function encryptionSettings(encryption: SmtpOptions['encryption']) {
  switch (encryption) {
    case 'ssl':
      return { secure: true };
    case 'tls':
      return { secure: false, requireTLS: true };
    case 'none':
      return { secure: false, ignoreTLS: true };
  }
}

/** Connection trouble and 4xx replies may pass; a 5xx reply means the server will refuse this mail again. */
export function isTransient(err: unknown): boolean {
  const { code, responseCode } = err as SmtpError;
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500;
  return code !== undefined && TRANSIENT_CODES.has(code);
}

function toAppError(err: unknown) {
  const { responseCode } = err as SmtpError;
  const detail = describe(err);
  if (typeof responseCode === 'number' && responseCode >= 500) {
    return badGateway('mail server', `rejected the message: ${detail}`, err);
  }
  if (typeof responseCode === 'number')
    return badGateway('mail server', `refused the message: ${detail}`, err);
  return badGateway('mail server', `unreachable: ${detail}`, err);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { response } = err as SmtpError;
  return response ?? err.message;
}
