import { createLogGrpcClient, createLogRpcClient, type LogEntry } from '@suite/proto';

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
  return {
    async write(entry, ids) {
      await client.logInfo(entry, ids);
    },
    async close() {
      client.close();
    },
  };
}
