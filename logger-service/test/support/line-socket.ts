import net from 'node:net';
import { withTimeout } from '@suite/toolbox';

/** A raw TCP client speaking newline-delimited frames, as `nc` would. */
export class LineSocket {
  readonly socket: net.Socket;
  private buffered = '';
  private lines: string[] = [];
  private waiters: Array<(line: string) => void> = [];
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let nl = this.buffered.indexOf('\n'); nl !== -1; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    });
    // Resets are expected when the server cuts a connection; the test looks at `closed`.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(port: number): Promise<LineSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new LineSocket(socket)));
      socket.once('error', reject);
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  sendJson(value: unknown): void {
    this.send(JSON.stringify(value));
  }

  nextLine(timeoutMs = 5000): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no line from the server within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiters.push(waiter);
    });
  }

  async nextJson(timeoutMs?: number): Promise<Record<string, unknown>> {
    return JSON.parse(await this.nextLine(timeoutMs));
  }

  waitClosed(timeoutMs = 5000): Promise<void> {
    return withTimeout(this.closed, timeoutMs, `connection still open after ${timeoutMs} ms`);
  }

  close(): void {
    this.socket.destroy();
  }
}
