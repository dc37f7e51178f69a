import { EventEmitter } from 'node:events';

export interface CaughtMessage {
  id: string;
  receivedAt: string;
  /** What the client said in SMTP (MAIL FROM / RCPT TO), which can differ from the headers (Bcc). */
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The From header as text, e.g. `Suite <suite@example.com>`. */
  from: string;
  /** The To header as text; several recipients are comma separated. */
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Decoded header values by lower-case name; repeated headers are joined with a newline. */
  headers: Record<string, string>;
  size: number;
}

/** A caught message plus its raw source, which only the raw and MailHog-style routes need. */
export interface StoredMessage extends CaughtMessage {
  raw: string;
}

export type MessagePredicate = (message: CaughtMessage) => boolean;

/** Keeps the newest `maxMessages` messages in memory, oldest first. */
export class MessageStore {
  private readonly items: StoredMessage[] = [];
  private readonly arrivals = new EventEmitter();

  constructor(private readonly maxMessages: number) {
    this.arrivals.setMaxListeners(0);
  }

  add(message: StoredMessage): void {
    this.items.push(message);
    if (this.items.length > this.maxMessages) this.items.splice(0, this.items.length - this.maxMessages);
    this.arrivals.emit('message', message);
  }

  /** Oldest first, without the raw source. */
  list(): CaughtMessage[] {
    return this.items.map(withoutRaw);
  }

  stored(): readonly StoredMessage[] {
    return this.items;
  }

  get(id: string): StoredMessage | undefined {
    return this.items.find((m) => m.id === id);
  }

  clear(): void {
    this.items.length = 0;
  }

  /** Resolves with the first message (already caught or still to come) that matches. */
  waitFor(predicate: MessagePredicate, timeoutMs: number): Promise<CaughtMessage> {
    const existing = this.items.find((m) => predicate(withoutRaw(m)));
    if (existing) return Promise.resolve(withoutRaw(existing));
    return new Promise((resolve, reject) => {
      const onMessage = (message: StoredMessage) => {
        const view = withoutRaw(message);
        if (!predicate(view)) return;
        clearTimeout(timer);
        this.arrivals.off('message', onMessage);
        resolve(view);
      };
      const timer = setTimeout(() => {
        this.arrivals.off('message', onMessage);
        reject(
          new Error(
            `no matching message arrived within ${timeoutMs} ms (${this.items.length} message(s) caught: ${this.items
              .map((m) => JSON.stringify(m.subject))
              .join(', ')})`,
          ),
        );
      }, timeoutMs);
      this.arrivals.on('message', onMessage);
    });
  }
}

function withoutRaw({ raw: _raw, ...message }: StoredMessage): CaughtMessage {
  return message;
}
