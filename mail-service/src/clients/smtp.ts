import { PeerError } from '@suite/proto/errors';
import { currentRequestId, type Logger, retry, SpanKind, withSpan, withTimeout } from '@suite/toolbox';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import type { ComposedMail } from '../mime.js';
import { toPoolMessage } from './pool-message.js';

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

export interface Mailer {
  /** Sends once, once more after a transient failure; rejects with a PeerError naming the mail server when the mail did not go out. */
  send(mail: ComposedMail): Promise<void>;
  /** Resolves when the SMTP server answers, else rejects with a PeerError; results are cached briefly so probes do not hammer it. */
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
const MAIL_SERVER = 'mail server';

/**
 * One nodemailer SMTP pool for the life of the process: connections are reused across requests. The
 * pool is used without nodemailer's `Mail` front (`createTransport`), whose `sendMail` only wraps a
 * message this service has already composed (see pool-message.ts).
 */
export function createMailer(options: SmtpOptions): Mailer {
  const { logger, timeoutMs } = options;
  const pool = new SMTPPool({
    maxConnections: options.maxConnections,
    // A pooled connection is otherwise closed and dialled again (TCP, greeting, EHLO) every 100 mails.
    maxMessages: Number.POSITIVE_INFINITY,
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
  pool.on('error', (err) => logger.warn({ err: err.message }, 'smtp transport error'));

  let lastCheck: { at: number; result: Promise<void> } | undefined;

  async function send(mail: Parameters<Mailer['send']>[0]): Promise<void> {
    const requestId = currentRequestId();
    try {
      await retry(
        () =>
          new Promise<void>((resolve, reject) => {
            pool.send(toPoolMessage(mail), (err) => (err ? reject(err) : resolve()));
          }),
        {
          retries: 1,
          baseDelayMs: 200,
          maxDelayMs: 400,
          shouldRetry: isTransient,
          onRetry: (err, attempt, delayMs) =>
            logger.warn({ requestId, err: describe(err), attempt, delayMs }, 'smtp send failed, retrying'),
        },
      );
    } catch (err) {
      // The details (addresses, the server's words) stay in the log; the caller learns the kind of failure.
      logger.warn({ requestId, err: describe(err), code: (err as SmtpError).code }, 'smtp send failed');
      throw smtpFailure(err);
    }
  }

  return {
    send: (mail) =>
      withSpan(
        'smtp send',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'server.address': options.host, 'server.port': options.port },
        },
        () => send(mail),
      ),
    verify() {
      const now = Date.now();
      if (!lastCheck || now - lastCheck.at > VERIFY_CACHE_MS) {
        const result = withTimeout(
          pool.verify().then(() => undefined),
          VERIFY_TIMEOUT_MS,
          `${MAIL_SERVER} timed out`,
        ).catch((err: unknown) => {
          logger.warn({ err: describe(err) }, 'smtp readiness check failed');
          throw smtpFailure(err);
        });
        result.catch(() => undefined);
        lastCheck = { at: now, result };
      }
      return lastCheck.result;
    },

    close() {
      pool.close();
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
function isTransient(err: unknown): boolean {
  const { code, responseCode } = err as SmtpError;
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500;
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/**
 * A failed send or check in the suite's vocabulary. The summary names the mail server, the kind of
 * failure and the SMTP reply code when there is one, nothing else; the server's words and address
 * stay in the detail and the cause. A 5xx reply is final (`invalid`: the same message would be
 * refused again), a 4xx one `refused`.
 */
function smtpFailure(err: unknown): PeerError {
  const { code, responseCode } = err as SmtpError;
  const detail = describe(err);
  if (typeof responseCode === 'number' && responseCode >= 500) {
    const summary = `${MAIL_SERVER} rejected the message (SMTP ${responseCode})`;
    return new PeerError(MAIL_SERVER, 'invalid', detail, { cause: err, summary });
  }
  if (typeof responseCode === 'number') {
    const summary = `${MAIL_SERVER} refused the message (SMTP ${responseCode})`;
    return new PeerError(MAIL_SERVER, 'refused', detail, { cause: err, summary });
  }
  if (code === 'ETIMEDOUT' || (err instanceof Error && err.message === `${MAIL_SERVER} timed out`)) {
    return new PeerError(MAIL_SERVER, 'timeout', detail, { cause: err, summary: `${MAIL_SERVER} timed out` });
  }
  return new PeerError(MAIL_SERVER, 'unreachable', detail, { cause: err });
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { response } = err as SmtpError;
  return response ?? err.message;
}
