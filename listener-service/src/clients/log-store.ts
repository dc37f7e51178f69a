import { createLogGrpcClient, createLogRpcClient, type LogEntry } from '@suite/proto';

/** Where consumed events end up: the logger-service, which deduplicates on the event id. */
export interface LogStore {
  /** Resolves only once the logger confirmed the entry is stored. */
  store(entry: LogEntry, ids: { eventId: string; requestId?: string }): Promise<void>;
  close(): Promise<void>;
}

export interface LogStoreOptions {
  transport: 'rpc' | 'grpc';
  rpcAddress: string;
  grpcAddress: string;
  timeoutMs?: number;
}

/** One long-lived client for the life of the listener, over the configured transport. */
export function createLogStore(options: LogStoreOptions): LogStore {
  const { timeoutMs = 5000 } = options;
  if (options.transport === 'grpc') {
    const client = createLogGrpcClient({ address: options.grpcAddress, timeoutMs });
    return {
      async store(entry, ids) {
        await client.writeLog(entry, ids);
      },
      async close() {
        client.close();
      },
    };
  }
  const client = createLogRpcClient({ address: options.rpcAddress, timeoutMs });
  return {
    async store(entry, ids) {
      await client.logInfo(entry, ids);
    },
    async close() {
      client.close();
    },
  };
}
