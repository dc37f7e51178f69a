import * as grpc from '@grpc/grpc-js';
import { contextOf, type LogStreamEntry, type LogStreamResult } from '@suite/proto';
import { requestIdAttributes, SpanKind, withSpan } from '@suite/toolbox';
import type { WriteEntry } from './write-entry.js';

export interface StreamHandler {
  handle: grpc.handleBidiStreamingCall<LogStreamEntry, LogStreamResult>;
  /**
   * Answers what every open stream holds, then ends it; entries that arrive meanwhile get UNAVAILABLE.
   * Resolves once every stream has ended (or its caller went away).
   */
  close(): Promise<void>;
}

interface OpenStream {
  call: grpc.ServerDuplexStream<LogStreamEntry, LogStreamResult>;
  inFlight: number;
  /** The caller half-closed it, or the server is closing. */
  ending: boolean;
}

/**
 * `WriteLogStream`: each entry is stored on its own, as a unary `WriteLog` would store it, and
 * answered by id as soon as its write settles, so one slow or refused entry holds up no other.
 * Past `maxInFlight` entries of one stream the stream is not read (HTTP/2 flow control then holds
 * the caller), as a JSON-RPC connection is not read past its bound.
 */
export function createStreamHandler(write: WriteEntry, maxInFlight: number): StreamHandler {
  const open = new Set<OpenStream>();
  let closing = false;
  let allEnded: (() => void) | undefined;
  const forget = (stream: OpenStream) => {
    open.delete(stream);
    if (closing && open.size === 0) allEnded?.();
  };

  const endWhenAnswered = (stream: OpenStream) => {
    if (!stream.ending || stream.inFlight > 0) return;
    if (!stream.call.writableEnded) stream.call.end();
    forget(stream);
  };

  const handle: StreamHandler['handle'] = (call) => {
    const stream: OpenStream = { call, inFlight: 0, ending: closing };
    open.add(stream);
    call.on('data', (entry: LogStreamEntry) => {
      if (closing) {
        call.write(
          answerOf(entry.id, { code: grpc.status.UNAVAILABLE, details: 'the logger is shutting down' }),
        );
        return;
      }
      stream.inFlight++;
      if (stream.inFlight >= maxInFlight) call.pause();
      // Entries of many requests share the stream: each is a span of its own sender's trace.
      void withSpan(
        'WriteLogStream entry',
        {
          kind: SpanKind.SERVER,
          parent: contextOf(entry.traceparent || undefined),
          attributes: { 'rpc.system': 'grpc', ...requestIdAttributes(entry.request_id || undefined) },
        },
        () =>
          write(entry.logEntry, {
            requestId: entry.request_id || undefined,
            eventId: entry.event_id || undefined,
          }),
      ).then((outcome) => {
        stream.inFlight--;
        if (!call.cancelled && !call.writableEnded) call.write(answerOf(entry.id, outcome));
        if (stream.inFlight === maxInFlight - 1 && !closing) call.resume();
        endWhenAnswered(stream);
      });
    });
    call.on('end', () => {
      stream.ending = true;
      endWhenAnswered(stream);
    });
    // The caller went away: nothing left to answer, the writes in flight still finish.
    call.on('cancelled', () => forget(stream));
    call.on('error', () => forget(stream));
    endWhenAnswered(stream);
  };

  return {
    handle,
    close() {
      closing = true;
      const ended = new Promise<void>((resolve) => {
        allEnded = resolve;
      });
      for (const stream of open) {
        stream.ending = true;
        endWhenAnswered(stream);
      }
      if (open.size === 0) allEnded?.();
      return ended;
    },
  };
}

function answerOf(
  id: number,
  outcome: { code: grpc.status; result?: string; details?: string },
): LogStreamResult {
  return { id, code: outcome.code, result: outcome.result ?? '', details: outcome.details ?? '' };
}
