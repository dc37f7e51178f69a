import { randomUUID } from 'node:crypto';
import type { Mailbox } from '@suite/proto/requests';
import { encodeWords, foldLines, quoteString } from 'nodemailer/lib/mime-funcs';

/** One message as SMTP carries it: the envelope and the whole MIME source. */
export interface ComposedMail {
  envelope: { from: string; to: string[] };
  /** As in the Message-ID header, so the transport need not make one of its own. */
  messageId: string;
  raw: Buffer;
}

export interface MailParts {
  to: string;
  /** A bare address (never a display name): where replies go. */
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

export type ComposeMail = (parts: MailParts) => ComposedMail;

const CRLF = '\r\n';
/** RFC 5322's limit for a line; 7bit parts with longer lines are base64-encoded instead. */
const MAX_LINE_OCTETS = 998;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// A 7bit part may hold printable ASCII, tabs and line breaks only.
const NOT_7BIT = /[^\t\n\r\x20-\x7e]/;

/**
 * Every mail this service sends has one shape: From the configured sender, To one recipient, an
 * optional Reply-To, and a multipart/alternative body with a plain-text and an HTML part. Writing
 * that shape directly into one buffer, with nodemailer's own header encoders, replaces the generic
 * MIME tree nodemailer builds and streams for each message (a tree of nodes, several stream
 * transforms, a socket write per header line and part), which was the service's largest cost per mail.
 * The From header never changes, so it is encoded once here.
 */
export function createComposer(sender: Mailbox): ComposeMail {
  const fromHeader = foldLines(`From: ${formatMailbox(sender)}`, 76);
  const idDomain = sender.address.slice(sender.address.lastIndexOf('@') + 1);
  return ({ to, replyTo, subject, text, html }) => {
    const id = randomUUID();
    const messageId = `<${id}@${idDomain}>`;
    const boundary = `----=_suite_${id}`;
    const headers = [
      fromHeader,
      `To: ${to}`,
      ...(replyTo ? [`Reply-To: ${replyTo}`] : []),
      foldLines(`Subject: ${encodeWords(subject, 'Q', 52, true)}`, 76),
      `Date: ${new Date().toUTCString().replace(/GMT$/, '+0000')}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
    ];
    const source = [
      headers.join(CRLF),
      '',
      `--${boundary}`,
      textPart('text/plain', text),
      `--${boundary}`,
      textPart('text/html', html),
      `--${boundary}--`,
      '',
    ].join(CRLF);
    return { envelope: { from: sender.address, to: [to] }, messageId, raw: Buffer.from(source, 'utf8') };
  };
}

/** Plain 7bit when the text is short-lined printable ASCII (readable, no encoding cost); base64 otherwise. */
function textPart(type: string, content: string): string {
  const normalized = content.replace(/\r\n|\r|\n/g, CRLF);
  if (!NOT_7BIT.test(normalized) && !hasLongLine(normalized)) {
    return [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: 7bit', '', normalized].join(
      CRLF,
    );
  }
  const encoded = linesOf(Buffer.from(content, 'utf8').toString('base64'), 76).join(CRLF);
  return [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', encoded].join(
    CRLF,
  );
}

/** `text` cut into lines of `width` characters (the last one shorter). */
function linesOf(text: string, width: number): string[] {
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += width) lines.push(text.slice(start, start + width));
  return lines;
}

function hasLongLine(text: string): boolean {
  let start = 0;
  for (;;) {
    const end = text.indexOf(CRLF, start);
    if ((end === -1 ? text.length : end) - start > MAX_LINE_OCTETS) return true;
    if (end === -1) return false;
    start = end + 2;
  }
}

function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  const display = PRINTABLE_ASCII.test(name) ? quoteString(name) : encodeWords(name, 'B', 52, true);
  return `${display} <${address}>`;
}
