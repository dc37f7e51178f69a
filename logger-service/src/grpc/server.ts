import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import {
  GRPC_EVENT_ID_METADATA,
  GRPC_REQUEST_ID_METADATA,
  type LogRequest,
  type LogResponse,
  loadLogService,
} from '@suite/proto';
import { type Logger, listen, withTimeout } from '@suite/toolbox';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { LogStore } from '../store/logs.js';
import { createStreamHandler } from './stream.js';
import { createEntryWriter, type WriteEntry } from './write-entry.js';

const LOG_SERVICE_NAME = 'logs.LogService';

/**
 * Limits on what one client may hold: streams per connection, message size, a keepalive that finds
 * dead peers, and a maximum connection age so clients re-resolve and spread over replicas.
 */
const GRPC_SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_concurrent_streams': 100,
  'grpc.max_receive_message_length': 1 << 20,
  'grpc.max_send_message_length': 1 << 20,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.max_connection_idle_ms': 300_000,
  'grpc.max_connection_age_ms': 1_800_000,
  'grpc.max_connection_age_grace_ms': 30_000,
};

/** Far more than the broker and listener replicas need (each keeps one connection). */
export const DEFAULT_MAX_GRPC_CONNECTIONS = 128;

export interface GrpcServerOptions {
  store: LogStore;
  logger: Logger;
  port: number;
  /** Interface to bind; all of them by default (containers). */
  host?: string;
  /** Entries of one `WriteLogStream` being stored at once; past it the stream is not read. */
  maxInFlightPerStream?: number;
  /** Connections open at once; further ones are closed as they arrive (grpc-js has no such bound). */
  maxConnections?: number;
}

/** How often the health status is refreshed from a MongoDB ping. */
const HEALTH_CHECK_INTERVAL_MS = 5000;

export interface GrpcServer {
  port: number;
  /** Finishes in-flight calls, then stops; cut after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** `logs.LogService` (`WriteLog` and `WriteLogStream`) plus `grpc.health.v1.Health`, whose status follows MongoDB's reachability. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const {
    store,
    logger,
    port,
    host = '0.0.0.0',
    maxInFlightPerStream = 256,
    maxConnections = DEFAULT_MAX_GRPC_CONNECTIONS,
  } = options;
  const log = logger.child({ transport: 'grpc' });
  const health = new HealthImplementation({ '': 'UNKNOWN', [LOG_SERVICE_NAME]: 'UNKNOWN' });
  const setServing = (status: ServingStatus) => {
    health.setStatus('', status);
    health.setStatus(LOG_SERVICE_NAME, status);
  };
  const refreshHealth = () =>
    withTimeout(store.ping(), 2000, 'MongoDB did not answer the ping').then(
      () => setServing('SERVING'),
      () => setServing('NOT_SERVING'),
    );

  const server = new grpc.Server(GRPC_SERVER_OPTIONS);
  const write = createEntryWriter(store, log, setServing);
  const streams = createStreamHandler(write, maxInFlightPerStream);
  server.addService(loadLogService().service, {
    WriteLog: createWriteLogHandler(write),
    WriteLogStream: streams.handle,
  });
  health.addToServer(server);

  // Our own listener hands each connection to grpc-js, so the connection count can be capped as
  // on the JSON-RPC server: past it, a new connection is closed at once.
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const listener = net.createServer((socket) => injector.injectConnection(socket));
  listener.maxConnections = maxConnections;
  listener.on('drop', (data) =>
    log.warn({ remote: data?.remoteAddress, maxConnections }, 'gRPC connection refused: too many open'),
  );
  const boundPort = await listen(listener, port, host);
  listener.on('error', (err) => log.error({ err }, 'gRPC listener error'));
  await refreshHealth();
  const timer = setInterval(() => void refreshHealth(), HEALTH_CHECK_INTERVAL_MS);
  timer.unref();

  return {
    port: boundPort,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        listener.close();
        const cut = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        cut.unref();
        // A stream lives until its caller ends it: each is ended once it has answered what it holds,
        // and only then does the shutdown start, since grpc-js does not wait for the streams of the
        // connections our listener handed it.
        void streams.close().then(() =>
          server.tryShutdown(() => {
            clearTimeout(cut);
            resolve();
          }),
        );
      }),
  };
}

function createWriteLogHandler(write: WriteEntry): grpc.handleUnaryCall<LogRequest, LogResponse> {
  return (call, callback) => {
    void write(call.request.logEntry, {
      eventId: metadataString(call.metadata, GRPC_EVENT_ID_METADATA),
      requestId: metadataString(call.metadata, GRPC_REQUEST_ID_METADATA),
    }).then((outcome) =>
      'result' in outcome ? callback(null, { result: outcome.result }) : callback(outcome),
    );
  };
}

function metadataString(metadata: grpc.Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
