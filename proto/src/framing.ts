import type { Socket } from 'node:net';

export interface LineReaderOptions {
  /** A line longer than this closes the connection: one client cannot exhaust the server's memory. */
  maxLineBytes: number;
  onLine: (line: string) => void;
  onOverflow: () => void;
}

/** Newline-delimited framing for JSON-RPC over TCP, as `nc` users type it. */
export function readLines(socket: Socket, options: LineReaderOptions): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (pendingBytes + piece.length > options.maxLineBytes) return options.onOverflow();
      const line =
        pendingBytes === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      const trimmed = line.trim();
      if (trimmed.length > 0) options.onLine(trimmed);
      if (socket.destroyed) return;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > options.maxLineBytes) return options.onOverflow();
      pending.push(rest);
    }
  });
}
