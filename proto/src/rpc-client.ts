import net from 'node:net';
import { splitHostPort } from './address.js';
import { PeerError } from './errors.js';
import { lineWriter, readLines } from './framing.js';
import { RPC_METHOD_LOG_INFO } from './names.js';
import { type LogEntry, type LogInfoParams, RPC_MAX_LINE_BYTES } from './schemas.js';
import { currentTraceparent } from './trace-context.js';

export interface LogRpcClient {
  /** Rejects with a PeerError only. */
  logInfo(entry: LogEntry, ids?: LogInfoIds): Promise<string>;
  /**
   * Several LogInfo calls in one JSON-RPC batch (one line, one write; more lines when the calls
   * would not fit the logger's line limit): one promise per call, each settled by its own answer,
   * so one refused entry fails alone. At most the logger's batch limit.
   */
  logInfoBatch(calls: readonly LogInfoCall[]): Promise<string>[];
  close(): void;
}

export interface LogInfoIds {
  eventId?: string;
  requestId?: string;
  /** The caller's trace context; the active one when absent (a batch taken later passes each call's own). */
  traceparent?: string;
}

export interface LogInfoCall {
  entry: LogEntry;
  ids?: LogInfoIds;
}

export interface LogRpcClientOptions {
  /** host:port of the logger's JSON-RPC listener. */
  address: string;
  timeoutMs?: number;
  /** Named in errors so a caller can tell which hop failed. */
  peer?: string;
  maxLineBytes?: number;
  /**
   * The longest request line the logger reads (its own limit): a batch is split into lines of at
   * most this size, and one call longer than it fails at once as `invalid`.
   */
  maxRequestLineBytes?: number;
  /** Calls awaiting an answer; one more fails at once as `overloaded` instead of piling up. */
  maxInFlight?: number;
  /** Bytes written but not yet taken by the kernel (the peer is not reading); beyond it calls fail as `overloaded`. */
  maxBufferedBytes?: number;
  /** Consecutive timeouts after which the connection is dropped and the next call dials afresh (a half-open socket never errors by itself). */
  redialAfterTimeouts?: number;
}

const INVALID_PARAMS = -32602;

type RpcResponse = { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };

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
    maxRequestLineBytes = RPC_MAX_LINE_BYTES,
    maxInFlight = 1000,
    maxBufferedBytes = 1 << 20,
    redialAfterTimeouts = 3,
  } = options;
  const { host, port } = splitHostPort(address);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: net.Socket | undefined;
  const writers = new WeakMap<net.Socket, (line: string) => boolean>();
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
    let parsed: RpcResponse | RpcResponse[];
    try {
      parsed = JSON.parse(line);
    } catch {
      connection.destroy(new Error('logger sent a malformed JSON-RPC frame'));
      return;
    }
    consecutiveTimeouts = 0;
    // A batch is answered by one array of responses, each matched by its own id.
    if (Array.isArray(parsed)) for (const response of parsed) settleResponse(response);
    else settleResponse(parsed);
  }

  function settleResponse(response: RpcResponse): void {
    if (response === null || typeof response !== 'object' || typeof response.id !== 'number') return;
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

  /** One writer per connection, so lines written in one turn of the event loop leave together. */
  function send(target: net.Socket, line: string): void {
    let write = writers.get(target);
    if (!write) {
      write = lineWriter(target);
      writers.set(target, write);
    }
    write(line);
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

  /** Why no call can be written now, or undefined with the connection to write to. */
  function refusal(calls: number): PeerError | net.Socket {
    if (closed) return fail('unreachable', 'client is closed');
    if (pending.size + calls > maxInFlight) {
      return fail('overloaded', `${pending.size} calls already in flight`);
    }
    const target = connection();
    if (target.writableLength > maxBufferedBytes) {
      return fail('overloaded', `${target.writableLength} bytes waiting to be sent`);
    }
    return target;
  }

  /** Registers one call as pending and returns its request line and its answer. */
  function register(target: net.Socket, call: LogInfoCall): { line: string; answer: Promise<string> } {
    const { entry, ids = {} } = call;
    const params: LogInfoParams = { name: entry.name, data: entry.data };
    if (ids.requestId) params.request_id = ids.requestId;
    if (ids.eventId) params.event_id = ids.eventId;
    const traceparent = ids.traceparent ?? currentTraceparent();
    if (traceparent) params.traceparent = traceparent;
    const id = nextId++;
    const line = JSON.stringify({ jsonrpc: '2.0', id, method: RPC_METHOD_LOG_INFO, params });
    if (Buffer.byteLength(line) > maxRequestLineBytes) {
      const error = fail(
        'invalid',
        `the call takes more than the ${maxRequestLineBytes} bytes a line may hold`,
      );
      return { line: '', answer: Promise.reject(error) };
    }
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => onTimeout(id), timeoutMs);
      pending.set(id, { resolve, reject, timer, via: target });
    });
    return { line, answer };
  }

  /** The calls' lines as JSON-RPC batches, each one line within the logger's limit. */
  function sendBatches(target: net.Socket, lines: readonly string[]): void {
    let batch: string[] = [];
    let bytes = 2; // the brackets
    const flush = () => {
      if (batch.length > 0) send(target, `[${batch.join(',')}]`);
      batch = [];
      bytes = 2;
    };
    for (const line of lines) {
      const size = Buffer.byteLength(line) + 1; // and its comma
      if (bytes + size > maxRequestLineBytes) flush();
      batch.push(line);
      bytes += size;
    }
    flush();
  }

  return {
    logInfo(entry, ids = {}) {
      const target = refusal(1);
      if (target instanceof PeerError) return Promise.reject(target);
      const { line, answer } = register(target, { entry, ids });
      if (line) send(target, line);
      return answer;
    },
    logInfoBatch(calls) {
      if (calls.length === 0) return [];
      const target = refusal(calls.length);
      if (target instanceof PeerError) return calls.map(() => Promise.reject(target));
      const registered = calls.map((call) => register(target, call));
      sendBatches(
        target,
        registered.flatMap((r) => (r.line ? [r.line] : [])),
      );
      return registered.map((r) => r.answer);
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
