import {
  contextOf,
  createLogGrpcClient,
  createLogRpcClient,
  currentTraceparent,
  type LogEntry,
  type LogInfoCall,
  RPC_MAX_BATCH,
  spanContextOf,
} from '@suite/proto';
import { failSpan, startSpan } from '@suite/toolbox';
import { batchWrites } from './batch-writes.js';

/** The logger-service as the listener uses it; it deduplicates on the event id. */
export interface LoggerClient {
  /** Resolves only once the logger confirmed the entry is stored; rejects with proto's PeerError. */
  write(entry: LogEntry, ids: { eventId: string; requestId?: string }): Promise<void>;
  close(): Promise<void>;
}

export interface LoggerClientOptions {
  transport: 'rpc' | 'grpc';
  rpcAddress: string;
  grpcAddress: string;
  timeoutMs?: number;
}

/** How long the first entry of a batch waits for more before the batch is sent. */
export const DEFAULT_BATCH_WAIT_MS = 2;

/** One long-lived client for the life of the listener, over the configured transport. */
export function createLoggerClient(options: LoggerClientOptions): LoggerClient {
  const { timeoutMs = 5000 } = options;
  if (options.transport === 'grpc') {
    const client = createLogGrpcClient({ address: options.grpcAddress, timeoutMs });
    return {
      async write(entry, ids) {
        await client.writeLog(entry, ids);
      },
      async close() {
        client.close();
      },
    };
  }
  const client = createLogRpcClient({ address: options.rpcAddress, timeoutMs });
  const batcher = batchWrites((calls) => tracedBatch(calls, client.logInfoBatch), {
    // The logger's default batch limit: a longer batch would be refused whole.
    maxBatch: RPC_MAX_BATCH,
    waitMs: DEFAULT_BATCH_WAIT_MS,
  });
  return {
    async write(entry, ids) {
      // The batch leaves later, in another context: each call takes its own event's trace along.
      await batcher.add({ entry, ids: { ...ids, traceparent: currentTraceparent() } });
    },
    async close() {
      batcher.flush();
      client.close();
    },
  };
}

/**
 * The batch as a span: under the first event's trace, linked to every event's, ended when the
 * logger has answered every call in it.
 */
function tracedBatch(
  calls: LogInfoCall[],
  send: (calls: readonly LogInfoCall[]) => Promise<string>[],
): Promise<string>[] {
  const first = calls[0]?.ids?.traceparent;
  if (!first) return send(calls);
  const links = [];
  for (const call of calls.slice(1)) {
    const context = spanContextOf(call.ids?.traceparent);
    if (context) links.push({ context });
  }
  const span = startSpan('listener batch', {
    parent: contextOf(first),
    attributes: { 'messaging.batch.message_count': calls.length },
    links,
  });
  const answers = send(calls);
  void Promise.allSettled(answers).then((outcomes) => {
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    if (failed > 0) failSpan(span, `${failed} of ${calls.length} writes failed`);
    span.end();
  });
  return answers;
}
