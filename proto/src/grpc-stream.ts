import * as grpc from '@grpc/grpc-js';
import { PeerError } from './errors.js';
import {
  createLogGrpcClient,
  DEFAULT_GRPC_PEER,
  kindOfStatus,
  LOG_CHANNEL_OPTIONS,
  type LogGrpcClient,
  type LogGrpcClientOptions,
  type LogStreamEntry,
  type LogStreamResult,
  loadLogService,
} from './grpc.js';
import type { LogEntry } from './schemas.js';
import { currentTraceparent } from './trace-context.js';

export interface LogStreamClientOptions extends LogGrpcClientOptions {
  /** Entries awaiting an answer; one more fails at once as `overloaded` instead of piling up. */
  maxInFlight?: number;
  /**
   * Age after which a stream takes no new entry: it is half-closed, the logger answers what it holds
   * and ends it, and the next call opens another. Kept under the logger's connection-age grace
   * (30 s), so a stream never outlives the connection it runs on and no entry is cut by a rotation.
   */
  streamMaxAgeMs?: number;
}

type Ids = { requestId?: string; eventId?: string };

interface Waiting {
  entry: LogEntry;
  ids: Ids;
  resolve(result: string): void;
  reject(err: PeerError): void;
  timer: NodeJS.Timeout;
}

interface OpenStream {
  call: grpc.ClientDuplexStream<LogStreamEntry, LogStreamResult>;
  openedAt: number;
  /** By entry id: answers come back in any order. */
  waiting: Map<number, Waiting>;
  nextId: number;
}

/** Ids are per stream; one that used them all (never in practice) is retired like an old one. */
const MAX_ENTRY_ID = 0xffff_ffff;

/**
 * `WriteLog` semantics over `WriteLogStream`: each entry travels as one message on a long-lived
 * bidirectional stream and is settled by its own answer, matched by id, with its own deadline, request
 * id and error. A unary call costs a new HTTP/2 stream with headers, metadata and trailers each time
 * (about four times the CPU of a stream message on both ends). A stream that ends or breaks fails the
 * entries still waiting on it as `unreachable`; the next call opens a new one. Against a logger
 * without `WriteLogStream` (the original suite's) the client falls back to unary `WriteLog`.
 */
export function createLogStreamClient(options: LogStreamClientOptions): LogGrpcClient {
  const {
    address,
    timeoutMs = 5000,
    peer = DEFAULT_GRPC_PEER,
    maxInFlight = 1000,
    streamMaxAgeMs = 15_000,
  } = options;
  const { Client } = loadLogService();
  const client = new Client(
    address,
    grpc.credentials.createInsecure(),
    LOG_CHANNEL_OPTIONS,
  ) as unknown as grpc.Client & {
    WriteLogStream(): grpc.ClientDuplexStream<LogStreamEntry, LogStreamResult>;
  };
  let current: OpenStream | undefined;
  let inFlight = 0;
  let unary: LogGrpcClient | undefined;
  let closed = false;

  function open(): OpenStream {
    const call = client.WriteLogStream();
    const stream: OpenStream = { call, openedAt: Date.now(), waiting: new Map(), nextId: 1 };
    call.on('data', (answer: LogStreamResult) => settle(stream, answer));
    // A failed stream also emits 'status', which settles what it held.
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => ended(stream, status));
    return stream;
  }

  function take(stream: OpenStream, id: number): Waiting | undefined {
    const waiting = stream.waiting.get(id);
    if (!waiting) return undefined; // timed out already
    stream.waiting.delete(id);
    inFlight--;
    clearTimeout(waiting.timer);
    return waiting;
  }

  function settle(stream: OpenStream, answer: LogStreamResult): void {
    const waiting = take(stream, answer.id);
    if (!waiting) return;
    if (answer.code === grpc.status.OK) waiting.resolve(answer.result);
    else
      waiting.reject(
        new PeerError(peer, kindOfStatus(answer.code), answer.details || `status ${answer.code}`),
      );
  }

  function ended(stream: OpenStream, status: grpc.StatusObject): void {
    if (current === stream) current = undefined;
    const left = [...stream.waiting.keys()].map((id) => take(stream, id)!);
    if (status.code === grpc.status.UNIMPLEMENTED) {
      // The logger never saw these entries: unary WriteLog stores them, and all later ones.
      unary ??= createLogGrpcClient({ address, timeoutMs, peer });
      for (const waiting of left)
        unary.writeLog(waiting.entry, waiting.ids).then(waiting.resolve, waiting.reject);
      return;
    }
    const detail = `the stream ended before the answer (${status.details || grpc.status[status.code]})`;
    for (const waiting of left) waiting.reject(new PeerError(peer, 'unreachable', detail));
  }

  /** Half-closed: the logger answers what the stream holds, then ends it. */
  function retire(stream: OpenStream): void {
    if (current === stream) current = undefined;
    stream.call.end();
  }

  function streamForNextEntry(): OpenStream {
    if (current && (Date.now() - current.openedAt >= streamMaxAgeMs || current.nextId > MAX_ENTRY_ID)) {
      retire(current);
    }
    current ??= open();
    return current;
  }

  return {
    writeLog(entry, ids = {}) {
      if (unary) return unary.writeLog(entry, ids);
      if (closed) return Promise.reject(new PeerError(peer, 'unreachable', 'the client is closed'));
      if (inFlight >= maxInFlight) {
        return Promise.reject(
          new PeerError(peer, 'overloaded', `${maxInFlight} entries are already awaiting an answer`),
        );
      }
      const stream = streamForNextEntry();
      const id = stream.nextId++;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          take(stream, id)?.reject(new PeerError(peer, 'timeout', `no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        stream.waiting.set(id, { entry, ids, resolve, reject, timer });
        inFlight++;
        stream.call.write({
          id,
          logEntry: { name: entry.name, data: entry.data },
          request_id: ids.requestId ?? '',
          event_id: ids.eventId ?? '',
          traceparent: currentTraceparent() ?? '',
        });
      });
    },
    close() {
      closed = true;
      if (current) retire(current);
      unary?.close();
      client.close();
    },
  };
}
