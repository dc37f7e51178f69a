import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PeerError, type PeerErrorKind } from './errors.js';
import { GRPC_EVENT_ID_METADATA, GRPC_REQUEST_ID_METADATA } from './names.js';
import type { LogEntry } from './schemas.js';

/** Resolved from this file so it works from `src/` (tests) and `dist/` (built) alike. */
const LOGS_PROTO_PATH = fileURLToPath(new URL('../logs.proto', import.meta.url));

const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface LogMessage {
  name: string;
  data: string;
}
export interface LogRequest {
  logEntry?: LogMessage | null;
}
export interface LogResponse {
  result: string;
}

export interface LogServiceDefinition {
  service: grpc.ServiceDefinition;
  Client: grpc.ServiceClientConstructor;
}

/** Loads `logs.LogService` from the shared .proto; the result is the same for servers and clients. */
export function loadLogService(): LogServiceDefinition {
  const definition = protoLoader.loadSync(LOGS_PROTO_PATH, PROTO_LOADER_OPTIONS);
  const logs = grpc.loadPackageDefinition(definition).logs as grpc.GrpcObject;
  const Client = logs.LogService as grpc.ServiceClientConstructor;
  return { service: Client.service, Client };
}

type WriteLogMethod = (
  request: LogRequest,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: LogResponse) => void,
) => grpc.ClientUnaryCall;

export interface LogGrpcClient {
  /** Rejects with a PeerError only. */
  writeLog(entry: LogEntry, ids?: { requestId?: string; eventId?: string }): Promise<string>;
  close(): void;
}

export interface LogGrpcClientOptions {
  address: string;
  timeoutMs?: number;
  /** Named in errors so a caller can tell which hop failed. */
  peer?: string;
}

/** One channel for the life of the process; each call has a deadline and carries the request id. */
export function createLogGrpcClient(options: LogGrpcClientOptions): LogGrpcClient {
  const { address, timeoutMs = 5000, peer = 'logger-service (gRPC)' } = options;
  const { Client } = loadLogService();
  const client = new Client(address, grpc.credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_permit_without_calls': 0,
  }) as unknown as grpc.Client & { WriteLog: WriteLogMethod };
  return {
    writeLog(entry, ids = {}) {
      const metadata = new grpc.Metadata();
      if (ids.requestId) metadata.set(GRPC_REQUEST_ID_METADATA, ids.requestId);
      if (ids.eventId) metadata.set(GRPC_EVENT_ID_METADATA, ids.eventId);
      const request: LogRequest = { logEntry: { name: entry.name, data: entry.data } };
      return new Promise((resolve, reject) => {
        client.WriteLog(request, metadata, { deadline: Date.now() + timeoutMs }, (err, response) => {
          if (!err) return resolve(response?.result ?? '');
          reject(new PeerError(peer, kindOf(err.code), err.details || err.message, { cause: err }));
        });
      });
    },
    close: () => client.close(),
  };
}

function kindOf(code: grpc.status): PeerErrorKind {
  switch (code) {
    case grpc.status.INVALID_ARGUMENT:
      return 'invalid';
    case grpc.status.DEADLINE_EXCEEDED:
      return 'timeout';
    case grpc.status.UNAVAILABLE:
      return 'unreachable';
    case grpc.status.RESOURCE_EXHAUSTED:
      return 'overloaded';
    default:
      return 'refused';
  }
}
