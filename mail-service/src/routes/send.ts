import { accepted, readJsonBody } from '@suite/toolbox';
import { Router } from 'express';
import type { Mailer } from '../clients/smtp.js';
import type { RenderMail } from '../render.js';
import { type Mailbox, sendRequestSchema } from '../validation.js';

export interface SendRouteDeps {
  mailer: Mailer;
  render: RenderMail;
  defaultFrom: Mailbox;
}

export function sendRoutes({ mailer, render, defaultFrom }: SendRouteDeps): Router {
  const router = Router();
  router.post(
    '/send',
    accepted(async (req) => {
      const request = readJsonBody(req, sendRequestSchema);
      const { html, text } = render({ subject: request.subject, message: request.message, to: request.to });
      await mailer.send({
        from: request.from ?? defaultFrom,
        to: request.to,
        subject: request.subject,
        html,
        text,
      });
      return { message: `sent to ${request.to}` };
    }),
  );
  return router;
}
