import { mailRequestSchema, parseMailbox } from '@suite/proto/requests';
import { readJsonBody, sendOk, startSpan } from '@suite/toolbox';
import type { IRouter } from 'express';
import type { Mailer } from '../clients/smtp.js';
import type { ComposeMail } from '../mime.js';
import type { CheckRecipient } from '../recipient-domains.js';
import type { RenderMail } from '../render.js';

export interface SendRouteDeps {
  mailer: Mailer;
  render: RenderMail;
  compose: ComposeMail;
  checkRecipient: CheckRecipient;
}

/**
 * `POST /send`. The mail is always from the configured sender (the composer's); the request's `from`
 * only says where replies go, so a caller can never make a mail appear to come from someone else.
 */
export function sendRoutes(
  router: IRouter,
  { mailer, render, compose, checkRecipient }: SendRouteDeps,
): void {
  router.post('/send', async (req, res) => {
    const { from, to, subject, message } = readJsonBody(req, mailRequestSchema);
    checkRecipient(to);
    const rendering = startSpan('mail render');
    const { html, text } = render({ subject, message, to });
    rendering.end();
    await mailer.send(compose({ to, replyTo: from && parseMailbox(from)?.address, subject, text, html }));
    sendOk(res, `sent to ${to}`);
  });
}
