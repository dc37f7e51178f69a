import { createLogGrpcClient, createLogRpcClient, type LogEntry, RPC_MAX_BATCH } from '@suite/proto';
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
  const batcher = batchWrites((calls) => client.logInfoBatch(calls), {
    // The logger's default batch limit: a longer batch would be refused whole.
    maxBatch: RPC_MAX_BATCH,
    waitMs: DEFAULT_BATCH_WAIT_MS,
  });
  return {
    async write(entry, ids) {
      await batcher.add({ entry, ids });
    },
    async close() {
      batcher.flush();
      client.close();
    },
  };
}
