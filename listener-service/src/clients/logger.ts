import { createLogGrpcClient, createLogRpcClient, type LogEntry, type LogInfoCall } from '@suite/proto';

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
  /** Entries sent in one JSON-RPC batch at most (the logger accepts up to 100 per batch). */
  maxBatch?: number;
  /** How long the first entry of a batch waits for more before the batch is sent. */
  batchWaitMs?: number;
}

/** The logger's RPC_MAX_BATCH default: a longer batch would be refused whole. */
export const MAX_RPC_BATCH = 100;
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
    maxBatch: Math.min(options.maxBatch ?? MAX_RPC_BATCH, MAX_RPC_BATCH),
    waitMs: options.batchWaitMs ?? DEFAULT_BATCH_WAIT_MS,
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

export interface WriteBatcher {
  /** Settles with this entry's own answer, whatever the others in its batch got. */
  add(call: LogInfoCall): Promise<string>;
  /** Sends what is collected now. */
  flush(): void;
}

/**
 * Collects writes for up to `waitMs` (or until `maxBatch` are waiting) and sends them as one batch:
 * one frame and one logger round trip for many events instead of one each. Each write still gets
 * its own result, so one event the logger refuses fails alone.
 */
export function batchWrites(
  send: (calls: LogInfoCall[]) => Promise<string>[],
  options: { maxBatch: number; waitMs: number },
): WriteBatcher {
  let calls: LogInfoCall[] = [];
  let answers: { resolve(result: string): void; reject(err: unknown): void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (calls.length === 0) return;
    const batch = calls;
    const waiting = answers;
    calls = [];
    answers = [];
    const results = send(batch);
    results.forEach((result, i) => {
      result.then(waiting[i]?.resolve, waiting[i]?.reject);
    });
  }

  return {
    flush,
    add(call) {
      return new Promise<string>((resolve, reject) => {
        calls.push(call);
        answers.push({ resolve, reject });
        if (calls.length >= options.maxBatch) flush();
        else timer ??= setTimeout(flush, options.waitMs);
      });
    },
  };
}
