import net from 'node:net';
import { type LineReader, lineBudget, lineWriter, RPC_MAX_LINE_BYTES, readLines } from '@suite/proto';
import { type Logger, listen } from '@suite/toolbox';
import { JSONRPCErrorCode } from 'json-rpc-2.0';
import type { Config } from '../config.js';
import type { LogStore } from '../store/logs.js';
import { createRpcDispatcher, errorResponseLine, type RpcCall } from './dispatcher.js';

/**
 * The bounds of the JSON-RPC listener, as the configuration gives them (defaults there):
 * - `RPC_MAX_LINE_BYTES`: a longer line closes that connection, so one client cannot exhaust the server's memory;
 * - `RPC_MAX_BUFFERED_BYTES`: unfinished lines of all connections together; a connection whose line finds no room is answered an error and closed;
 * - `RPC_MAX_IN_FLIGHT_PER_CONNECTION`: calls (each element of a batch counted) running at once per connection; past it, reading stops;
 * - `RPC_MAX_BATCH`: calls one batch may hold; a longer batch is answered with a JSON-RPC error;
 * - `RPC_MAX_CONNECTIONS`: connections open at once; further ones are closed as they arrive;
 * - `RPC_IDLE_TIMEOUT_MS`: a connection with nothing read or written for this long is closed.
 */
export type RpcLimits = Pick<
  Config,
  | 'RPC_MAX_LINE_BYTES'
  | 'RPC_MAX_BUFFERED_BYTES'
  | 'RPC_MAX_IN_FLIGHT_PER_CONNECTION'
  | 'RPC_MAX_BATCH'
  | 'RPC_MAX_CONNECTIONS'
  | 'RPC_IDLE_TIMEOUT_MS'
>;

export interface RpcServerOptions {
  store: LogStore;
  logger: Logger;
  port: number;
  host?: string;
  limits: RpcLimits;
  /** On close, connections still open after this long are cut. */
  closeGraceMs?: number;
}

/** A quarter of the logger's 128 MiB heap: about 80 connections each holding the longest valid line. */
export const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** JSON-RPC's range for server errors (-32000 to -32099): the request was fine, the server could not take it now. */
const SERVER_BUSY = -32000;

export interface RpcServer {
  port: number;
  /** Stops listening, lets in-flight calls answer, then ends every connection. */
  close(): Promise<void>;
}

interface Connection {
  inFlight: number;
  closing: boolean;
  /** The socket's write buffer is full: nothing more is read until the peer takes its answers. */
  writeBlocked: boolean;
  /** A call read but not started, because it would exceed the in-flight limit. */
  waiting?: RpcCall;
  reader?: LineReader;
}

/**
 * JSON-RPC 2.0 over TCP: one JSON object per line each way, many pipelined calls per connection.
 * Every connection is bounded on its own (calls in flight, one held frame, its write buffer), so a
 * client that floods or never reads stalls only itself.
 */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { store, logger, port, host, limits, closeGraceMs = 5000 } = options;
  const maxLineBytes = limits.RPC_MAX_LINE_BYTES;
  const maxBufferedBytes = limits.RPC_MAX_BUFFERED_BYTES;
  const maxInFlightPerConnection = limits.RPC_MAX_IN_FLIGHT_PER_CONNECTION;
  const maxConnections = limits.RPC_MAX_CONNECTIONS;
  const idleTimeoutMs = limits.RPC_IDLE_TIMEOUT_MS;
  const log = logger.child({ transport: 'json-rpc' });
  const dispatch = createRpcDispatcher(store, log, limits.RPC_MAX_BATCH);
  const connections = new Map<net.Socket, Connection>();
  const budget = lineBudget(maxBufferedBytes);

  const endWhenIdle = (socket: net.Socket, connection: Connection) => {
    if (connection.inFlight === 0 && !socket.writableEnded) socket.end();
  };

  const server = net.createServer((socket) => {
    const connection: Connection = { inFlight: 0, closing: false, writeBlocked: false };
    connections.set(socket, connection);
    socket.setNoDelay(true);
    const writeLine = lineWriter(socket);
    socket.setTimeout(idleTimeoutMs, () => {
      log.info({ remote: socket.remoteAddress, idleTimeoutMs }, 'idle JSON-RPC connection closed');
      socket.destroy();
    });
    socket.on('error', (err) => log.debug({ err: err.message }, 'connection error'));
    socket.on('close', () => connections.delete(socket));

    /** Reading goes on only while the write buffer has room and no call is waiting for a slot. */
    const readIfRoom = () => {
      if (connection.closing || connection.writeBlocked) return;
      if (connection.waiting) {
        if (
          connection.inFlight + connection.waiting.weight > maxInFlightPerConnection &&
          connection.inFlight > 0
        )
          return;
        const call = connection.waiting;
        connection.waiting = undefined;
        start(call);
      }
      if (!connection.waiting) connection.reader?.resume();
    };

    socket.on('drain', () => {
      connection.writeBlocked = false;
      readIfRoom();
    });

    const start = (call: RpcCall) => {
      connection.inFlight += call.weight;
      call
        .run()
        .then((response) => {
          if (response === null || !socket.writable) return;
          if (!writeLine(response) && !connection.writeBlocked) {
            connection.writeBlocked = true;
            connection.reader?.pause();
          }
        })
        .catch((err: unknown) => log.error({ err }, 'JSON-RPC dispatch failed'))
        .finally(() => {
          connection.inFlight -= call.weight;
          if (connection.closing) endWhenIdle(socket, connection);
          else readIfRoom();
        });
    };

    connection.reader = readLines(socket, {
      maxLineBytes,
      budget,
      onLine: (line) => {
        if (connection.closing) return;
        const call = dispatch(line);
        // A batch larger than the limit still runs alone, so a connection never deadlocks on it.
        const fits =
          connection.inFlight === 0 || connection.inFlight + call.weight <= maxInFlightPerConnection;
        if (fits && !connection.writeBlocked) {
          start(call);
          if (connection.inFlight >= maxInFlightPerConnection) connection.reader?.pause();
        } else {
          connection.waiting = call;
          connection.reader?.pause();
        }
      },
      onOverflow: (reason) => {
        if (connection.closing) return;
        connection.closing = true;
        const message =
          reason === 'line'
            ? `Request too large: a line may hold at most ${maxLineBytes} bytes`
            : `Server busy: unfinished lines on all connections may hold ${maxBufferedBytes} bytes together; retry later`;
        log.warn(
          { reason, maxLineBytes, maxBufferedBytes, remote: socket.remoteAddress },
          reason === 'line'
            ? 'oversized JSON-RPC line, closing the connection'
            : 'JSON-RPC line buffers full, closing the connection',
        );
        // Discard whatever else the peer sends while the connection winds down.
        socket.removeAllListeners('data');
        socket.on('data', () => {});
        socket.resume();
        if (socket.writable) {
          const code = reason === 'line' ? JSONRPCErrorCode.InvalidRequest : SERVER_BUSY;
          socket.write(`${errorResponseLine(code, message)}\n`);
        }
        endWhenIdle(socket, connection);
        setTimeout(() => socket.destroy(), closeGraceMs).unref();
      },
    });
  });
  server.maxConnections = maxConnections;
  server.on('drop', (data) =>
    log.warn({ remote: data?.remoteAddress, maxConnections }, 'JSON-RPC connection refused: too many open'),
  );

  const boundPort = await listen(server, port, host);
  server.on('error', (err) => log.error({ err }, 'JSON-RPC server error'));
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((done) => {
        if (!server.listening) return done();
        server.close(() => done());
        for (const [socket, connection] of connections) {
          connection.closing = true;
          connection.waiting = undefined;
          endWhenIdle(socket, connection);
        }
        setTimeout(() => {
          for (const socket of connections.keys()) socket.destroy();
        }, closeGraceMs).unref();
      }),
  };
}
