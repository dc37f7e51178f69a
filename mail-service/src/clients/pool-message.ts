import { Readable } from 'node:stream';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { ComposedMail } from '../mime.js';

/** What nodemailer's SMTP pool takes: normally the `MailMessage` its `Mail` front builds in `sendMail`. */
export type PoolMessage = Parameters<SMTPPool['send']>[0];

/**
 * A composed mail in the form the SMTP pool takes: `data` (per-message options, none used here) and
 * a `message` answering the four things the pool asks (envelope, Message-ID, the Message-ID header,
 * the source as a stream). Handing this to the pool skips `sendMail`, which would wrap the finished
 * source in a MIME tree (crypto.randomBytes for an unused boundary, address parsing, headers a raw
 * message never writes) and read it back through a pipeline of three streams: about a sixth of the
 * service's CPU per mail. The pool, its connections and the SMTP dialogue stay nodemailer's, and the
 * bytes on the wire are the same (the source already ends with a line break).
 */
export function toPoolMessage(mail: ComposedMail): PoolMessage {
  const message = {
    // The connection writes into the envelope it is given, so each attempt gets its own.
    getEnvelope: () => ({ from: mail.envelope.from, to: [...mail.envelope.to] }),
    messageId: () => mail.messageId,
    getHeader: (key: string) => (key.toLowerCase() === 'message-id' ? mail.messageId : undefined),
    // A fresh, unread stream per attempt: the pool sends a mail again over another connection only
    // when not a byte of it was read (`readableDidRead`), which a plain Buffer could not tell it.
    createReadStream: () =>
      new Readable({
        read() {
          this.push(mail.raw);
          this.push(null);
        },
      }),
  };
  return { data: {}, message } as unknown as PoolMessage;
}
