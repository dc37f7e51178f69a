import type { HttpClient } from '@suite/toolbox';
import type { MailMessage } from '../actions.js';
import { isEnvelope, pingPeer, unexpectedAnswer } from './downstream.js';

export const MAIL_SERVICE = 'mail-service';

export interface MailClient {
  /** Resolves once the mail-service handed the message to SMTP. */
  send(mail: MailMessage): Promise<void>;
  /** Resolves when the mail-service answers `/ping`. */
  ping(): Promise<void>;
}

export function createMailClient(http: HttpClient): MailClient {
  return {
    async send(mail) {
      const response = await http.post<unknown>('/send', mail);
      if (response.status === 202 && isEnvelope(response.data) && !response.data.error) return;
      // The mail-service's own 502 (SMTP down) becomes ours, naming the mail-service, as `refused`.
      throw unexpectedAnswer(MAIL_SERVICE, response);
    },
    ping: () => pingPeer(http, MAIL_SERVICE),
  };
}
