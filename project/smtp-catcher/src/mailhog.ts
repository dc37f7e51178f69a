import type { StoredMessage } from './store.js';

interface MailhogPath {
  Relays: null;
  Mailbox: string;
  Domain: string;
  Params: string;
}

/** The subset of MailHog's v2 message JSON that scripts written for MailHog read. */
export interface MailhogMessage {
  ID: string;
  From: MailhogPath | null;
  To: MailhogPath[];
  Content: { Headers: Record<string, string[]>; Body: string; Size: number; MIME: null };
  Created: string;
  Raw: { From: string; To: string[]; Data: string; Helo: string };
}

export function toMailhogMessage(message: StoredMessage): MailhogMessage {
  const split = message.raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? message.raw : message.raw.slice(0, split);
  const body = split === -1 ? '' : message.raw.slice(split).replace(/^\r?\n\r?\n/, '');
  return {
    ID: message.id,
    From: message.envelope.mailFrom ? toPath(message.envelope.mailFrom) : null,
    To: message.envelope.rcptTo.map(toPath),
    Content: { Headers: rawHeaders(head), Body: body, Size: message.size, MIME: null },
    Created: message.receivedAt,
    Raw: { From: message.envelope.mailFrom ?? '', To: message.envelope.rcptTo, Data: message.raw, Helo: '' },
  };
}

function toPath(address: string): MailhogPath {
  const at = address.lastIndexOf('@');
  return {
    Relays: null,
    Mailbox: at === -1 ? address : address.slice(0, at),
    Domain: at === -1 ? '' : address.slice(at + 1),
    Params: '',
  };
}

/** Header names keep the sender's spelling (MailHog does the same), values stay raw but unfolded. */
function rawHeaders(head: string): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    headers[name] = [...(headers[name] ?? []), value];
  }
  return headers;
}
