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
/** One entry on `WriteLogStream`; empty strings stand for absent ids (proto3 has no null). */
export interface LogStreamEntry {
  id: number;
  logEntry?: LogMessage | null;
  request_id: string;
  event_id: string;
  /** Empty when the sender traces nothing; older senders leave it out. */
  traceparent?: string;
}
/** The answer to one stream entry: `code` 0 (OK) with `result`, or a gRPC status code with `details`. */
export interface LogStreamResult {
  id: number;
  code: number;
  result: string;
  details: string;
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

/**
 * The channel both clients open: a keepalive finds a dead or paused peer while calls are open, and
 * after a failed connect the next attempt comes within a second (grpc-js backs off up to two minutes
 * by default, failing every call meanwhile although the logger is back).
 */
export const LOG_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

export const DEFAULT_GRPC_PEER = 'logger-service (gRPC)';

/** One channel for the life of the process; each call has a deadline and carries the request id. */
export function createLogGrpcClient(options: LogGrpcClientOptions): LogGrpcClient {
  const { address, timeoutMs = 5000, peer = DEFAULT_GRPC_PEER } = options;
  const { Client } = loadLogService();
  const client = new Client(
    address,
    grpc.credentials.createInsecure(),
    LOG_CHANNEL_OPTIONS,
  ) as unknown as grpc.Client & { WriteLog: WriteLogMethod };
  return {
    writeLog(entry, ids = {}) {
      const metadata = new grpc.Metadata();
      if (ids.requestId) metadata.set(GRPC_REQUEST_ID_METADATA, ids.requestId);
      if (ids.eventId) metadata.set(GRPC_EVENT_ID_METADATA, ids.eventId);
      const request: LogRequest = { logEntry: { name: entry.name, data: entry.data } };
      return new Promise((resolve, reject) => {
        client.WriteLog(request, metadata, { deadline: Date.now() + timeoutMs }, (err, response) => {
          if (!err) return resolve(response?.result ?? '');
          reject(new PeerError(peer, kindOfStatus(err.code), err.details || err.message, { cause: err }));
        });
      });
    },
    close: () => client.close(),
  };
}

/** What a gRPC status means to a caller, for a whole call and for one stream entry alike. */
export function kindOfStatus(code: grpc.status): PeerErrorKind {
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
