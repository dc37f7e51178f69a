import net from 'node:net';
import { splitHostPort } from './address.js';
import { PeerError } from './errors.js';
import { readLines } from './framing.js';
import { RPC_METHOD_LOG_INFO } from './names.js';
import type { LogEntry, LogInfoParams } from './schemas.js';

export interface LogRpcClient {
  /** Rejects with a PeerError only. */
  logInfo(entry: LogEntry, ids?: { eventId?: string; requestId?: string }): Promise<string>;
  close(): void;
}

export interface LogRpcClientOptions {
  /** host:port of the logger's JSON-RPC listener. */
  address: string;
  timeoutMs?: number;
  /** Named in errors so a caller can tell which hop failed. */
  peer?: string;
  maxLineBytes?: number;
  /** Calls awaiting an answer; one more fails at once as `overloaded` instead of piling up. */
  maxInFlight?: number;
  /** Bytes written but not yet taken by the kernel (the peer is not reading); beyond it calls fail as `overloaded`. */
  maxBufferedBytes?: number;
  /** Consecutive timeouts after which the connection is dropped and the next call dials afresh (a half-open socket never errors by itself). */
  redialAfterTimeouts?: number;
}

const INVALID_PARAMS = -32602;

interface Pending {
  resolve(result: string): void;
  reject(err: PeerError): void;
  timer: NodeJS.Timeout;
  /** The connection the request was written to: only that one can answer it. */
  via: net.Socket;
}

/**
 * JSON-RPC 2.0 over one long-lived TCP connection with newline framing. Calls are pipelined and
 * matched by id; a dropped connection fails the calls in flight and the next call dials again.
 * Written by hand (no client library) because each failure must become its own typed error and the
 * calls in flight must be counted and bounded.
 */
export function createLogRpcClient(options: LogRpcClientOptions): LogRpcClient {
  const {
    address,
    timeoutMs = 5000,
    peer = 'logger-service (JSON-RPC)',
    maxLineBytes = 1 << 20,
    maxInFlight = 1000,
    maxBufferedBytes = 1 << 20,
    redialAfterTimeouts = 3,
  } = options;
  const { host, port } = splitHostPort(address);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: net.Socket | undefined;
  let closed = false;
  let consecutiveTimeouts = 0;

  const fail = (kind: PeerError['kind'], detail: string, cause?: unknown) =>
    new PeerError(peer, kind, detail, { cause });

  function settle(id: number, outcome: { result: string } | { error: PeerError }): void {
    const call = pending.get(id);
    if (!call) return; // already timed out
    pending.delete(id);
    clearTimeout(call.timer);
    if ('error' in outcome) call.reject(outcome.error);
    else call.resolve(outcome.result);
  }

  function onResponse(connection: net.Socket, line: string): void {
    let response: { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      response = JSON.parse(line);
    } catch {
      connection.destroy(new Error('logger sent a malformed JSON-RPC frame'));
      return;
    }
    consecutiveTimeouts = 0;
    if (typeof response.id !== 'number') return;
    if (response.error) {
      const message = String(response.error.message ?? 'error');
      const kind = response.error.code === INVALID_PARAMS ? 'invalid' : 'refused';
      settle(response.id, { error: fail(kind, message) });
    } else {
      settle(response.id, { result: String(response.result) });
    }
  }

  function connection(): net.Socket {
    if (socket && !socket.destroyed) return socket;
    const fresh = net.connect({ host, port });
    fresh.setNoDelay(true);
    fresh.setKeepAlive(true, 30_000);
    let lastError: Error | undefined;
    readLines(fresh, {
      maxLineBytes,
      onLine: (line) => onResponse(fresh, line),
      onOverflow: () => fresh.destroy(new Error('logger sent an oversized JSON-RPC frame')),
    });
    fresh.on('error', (err) => {
      lastError = err;
    });
    fresh.on('close', () => {
      if (socket === fresh) socket = undefined;
      const error = fail('unreachable', lastError?.message ?? 'connection closed', lastError);
      for (const [id, call] of [...pending]) if (call.via === fresh) settle(id, { error });
    });
    socket = fresh;
    consecutiveTimeouts = 0;
    return fresh;
  }

  function onTimeout(id: number): void {
    settle(id, { error: fail('timeout', `no answer within ${timeoutMs} ms`) });
    consecutiveTimeouts += 1;
    if (consecutiveTimeouts >= redialAfterTimeouts && socket) {
      // A peer that stopped answering (paused, or a half-open socket) keeps the calls in flight
      // hanging; a fresh connection is the only way to find out whether it is still there.
      socket.destroy(new Error(`${consecutiveTimeouts} calls timed out in a row`));
    }
  }

  return {
    logInfo(entry, ids = {}) {
      if (closed) return Promise.reject(fail('unreachable', 'client is closed'));
      if (pending.size >= maxInFlight) {
        return Promise.reject(fail('overloaded', `${pending.size} calls already in flight`));
      }
      const target = connection();
      if (target.writableLength > maxBufferedBytes) {
        return Promise.reject(fail('overloaded', `${target.writableLength} bytes waiting to be sent`));
      }
      const params: LogInfoParams = { name: entry.name, data: entry.data };
      if (ids.requestId) params.request_id = ids.requestId;
      if (ids.eventId) params.event_id = ids.eventId;
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => onTimeout(id), timeoutMs);
        pending.set(id, { resolve, reject, timer, via: target });
        target.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: RPC_METHOD_LOG_INFO, params })}\n`);
      });
    },
    close() {
      closed = true;
      socket?.end();
      socket = undefined;
      const error = fail('unreachable', 'client is closed');
      for (const id of [...pending.keys()]) settle(id, { error });
    },
  };
}
