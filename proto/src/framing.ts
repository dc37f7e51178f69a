import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';

export interface LineReaderOptions {
  /** A line longer than this closes the connection: one client cannot exhaust the server's memory. */
  maxLineBytes: number;
  /** Shared by every connection of a server, so all of them together hold a bounded amount too. */
  budget?: LineBudget;
  onLine: (line: string) => void;
  /** `line`: this line is over `maxLineBytes`; `budget`: the shared budget has no room for it. */
  onOverflow: (reason: 'line' | 'budget') => void;
}

/** Bytes of unfinished lines held by all the readers that share it. */
export interface LineBudget {
  /** Takes `bytes` when there is room for them; false (nothing taken) when there is not. */
  take(bytes: number): boolean;
  release(bytes: number): void;
  /** Bytes taken now. */
  used(): number;
}

export function lineBudget(maxBytes: number): LineBudget {
  let used = 0;
  return {
    take(bytes) {
      if (used + bytes > maxBytes) return false;
      used += bytes;
      return true;
    },
    release(bytes) {
      used = Math.max(0, used - bytes);
    },
    used: () => used,
  };
}

export interface LineReader {
  /**
   * Stops handing out lines, including the rest of the chunk being read, and stops reading the
   * socket, so TCP pushes back on the peer; at most one chunk is held meanwhile.
   */
  pause(): void;
  /** Hands out the held lines, then reads the socket again (unless a line paused it anew). */
  resume(): void;
}

/** Newline-delimited framing for JSON-RPC over TCP, as `nc` users type it. */
export function readLines(socket: Socket, options: LineReaderOptions): LineReader {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let held: Buffer | undefined;
  let paused = false;
  const { budget } = options;

  const dropPending = () => {
    budget?.release(pendingBytes);
    pending = [];
    pendingBytes = 0;
  };
  const overflow = (reason: 'line' | 'budget') => {
    dropPending();
    options.onOverflow(reason);
  };
  socket.on('close', dropPending);

  const consume = (chunk: Buffer) => {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (pendingBytes + piece.length > options.maxLineBytes) return overflow('line');
      const line =
        pendingBytes === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
      dropPending();
      const trimmed = line.trim();
      if (trimmed.length > 0) options.onLine(trimmed);
      if (socket.destroyed) return;
      if (paused) {
        if (start < chunk.length) held = chunk.subarray(start);
        return;
      }
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > options.maxLineBytes) return overflow('line');
      if (budget && !budget.take(rest.length)) return overflow('budget');
      pendingBytes += rest.length;
      // A copy: a slice would keep the whole chunk alive for a few bytes of it.
      pending.push(Buffer.from(rest));
    }
  };

  socket.on('data', (chunk: Buffer) => {
    // A chunk already on its way when the socket was paused joins the held one.
    if (paused) held = held ? Buffer.concat([held, chunk]) : chunk;
    else consume(chunk);
  });
  return {
    pause() {
      paused = true;
      socket.pause();
    },
    resume() {
      paused = false;
      if (held) {
        const chunk = held;
        held = undefined;
        consume(chunk);
      }
      if (!paused && !socket.destroyed) socket.resume();
    },
  };
}

/**
 * Writes newline-terminated lines, holding every line written in one turn of the event loop for one
 * socket write: under load many calls (or answers) go out in one system call instead of one each,
 * and a lone line leaves as soon as the turn ends. Answers what `socket.write` answers, so callers
 * keep honouring backpressure.
 */
export function lineWriter(socket: Writable): (line: string) => boolean {
  let corked = false;
  const release = () => {
    corked = false;
    socket.uncork();
  };
  return (line) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(release);
    }
    return socket.write(`${line}\n`);
  };
}
