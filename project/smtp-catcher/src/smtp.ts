import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from '@suite/toolbox';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { MessageStore, StoredMessage } from './store.js';

export interface SmtpOptions {
  store: MessageStore;
  maxMessageBytes: number;
  logger?: Logger;
  /** Asked before each message is accepted; an SMTP reply code rejects it (used to simulate failures). */
  rejectCode: () => { code: number; message: string } | undefined;
}

type SmtpError = Error & { responseCode: number };

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * A permissive SMTP server: any credentials, any sender and recipient. STARTTLS is off because the
 * certificate bundled with smtp-server has expired, so clients negotiating TLS would fail.
 */
export function createSmtpServer(options: SmtpOptions): SMTPServer {
  const { store, maxMessageBytes, logger } = options;
  return new SMTPServer({
    name: 'smtp-catcher',
    banner: 'smtp-catcher ready',
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: maxMessageBytes,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            throw smtpError(552, `message exceeds the size limit of ${maxMessageBytes} bytes`);
          }
          const rejection = options.rejectCode();
          if (rejection) throw smtpError(rejection.code, rejection.message);
          const message = toStoredMessage(await simpleParser(raw), raw, session);
          store.add(message);
          logger?.info({ id: message.id, subject: message.subject, to: message.to }, 'message caught');
          callback();
        })
        .catch((err: unknown) => {
          logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'message rejected');
          callback(err instanceof Error ? err : new Error(String(err)));
        });
    },
  });
}

function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function toStoredMessage(parsed: ParsedMail, raw: Buffer, session: SMTPServerSession): StoredMessage {
  return {
    id: randomUUID(),
    receivedAt: new Date().toISOString(),
    envelope: {
      mailFrom: addressOf(session.envelope.mailFrom),
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    },
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || null,
    headers: headersOf(parsed),
    size: raw.length,
    raw: raw.toString('utf8'),
  };
}

function addressOf(address: SMTPServerAddress | false): string | null {
  return address ? address.address : null;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return Array.isArray(value) ? value.map((a) => a.text).join(', ') : value.text;
}

/** Decoded values where mailparser has a simple form, the unfolded raw line otherwise. */
function headersOf(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const decoded = parsed.headers.get(key);
    const value =
      typeof decoded === 'string'
        ? decoded
        : decoded instanceof Date
          ? decoded.toISOString()
          : isAddressObject(decoded)
            ? decoded.text
            : line
                .slice(line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  return headers;
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && 'text' in value && 'value' in value;
}
