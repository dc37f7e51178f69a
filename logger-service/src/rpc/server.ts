import net from 'node:net';
import { readLines } from '@suite/proto';
import { type Logger, listen } from '@suite/toolbox';
import { JSONRPCErrorCode } from 'json-rpc-2.0';
import type { LogStore } from '../store/logs.js';
import { createRpcDispatcher, errorResponseLine } from './dispatcher.js';

export interface RpcServerOptions {
  store: LogStore;
  logger: Logger;
  port: number;
  host?: string;
  /** A longer line closes that connection, so one client cannot exhaust the server's memory. */
  maxLineBytes?: number;
  /** Past this many unanswered calls the connection stops being read until some complete. */
  maxInFlightPerConnection?: number;
  /** On close, connections still open after this long are cut. */
  closeGraceMs?: number;
}

export interface RpcServer {
  port: number;
  /** Stops listening, lets in-flight calls answer, then ends every connection. */
  close(): Promise<void>;
}

interface Connection {
  inFlight: number;
  closing: boolean;
}

/** JSON-RPC 2.0 over TCP: one JSON object per line each way, many pipelined calls per connection. */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const {
    store,
    logger,
    port,
    host,
    maxLineBytes = 1 << 20,
    maxInFlightPerConnection = 256,
    closeGraceMs = 5000,
  } = options;
  const log = logger.child({ transport: 'json-rpc' });
  const dispatch = createRpcDispatcher(store, log);
  const connections = new Map<net.Socket, Connection>();

  const endWhenIdle = (socket: net.Socket, connection: Connection) => {
    if (connection.inFlight === 0 && !socket.writableEnded) socket.end();
  };

  const server = net.createServer((socket) => {
    const connection: Connection = { inFlight: 0, closing: false };
    connections.set(socket, connection);
    socket.setNoDelay(true);
    socket.on('error', (err) => log.debug({ err: err.message }, 'connection error'));
    socket.on('close', () => connections.delete(socket));

    readLines(socket, {
      maxLineBytes,
      onLine: (line) => {
        if (connection.closing) return;
        connection.inFlight++;
        if (connection.inFlight >= maxInFlightPerConnection) socket.pause();
        dispatch(line)
          .then((response) => {
            if (response !== null && socket.writable) socket.write(`${response}\n`);
          })
          .catch((err: unknown) => log.error({ err }, 'JSON-RPC dispatch failed'))
          .finally(() => {
            connection.inFlight--;
            if (connection.closing) endWhenIdle(socket, connection);
            else if (socket.isPaused() && connection.inFlight < maxInFlightPerConnection) socket.resume();
          });
      },
      onOverflow: () => {
        if (connection.closing) return;
        connection.closing = true;
        log.warn(
          { maxLineBytes, remote: socket.remoteAddress },
          'oversized JSON-RPC line, closing the connection',
        );
        // Discard whatever else the peer sends while the connection winds down.
        socket.removeAllListeners('data');
        socket.on('data', () => {});
        if (socket.writable) {
          socket.write(
            `${errorResponseLine(JSONRPCErrorCode.InvalidRequest, `Request too large: a line may hold at most ${maxLineBytes} bytes`)}\n`,
          );
        }
        endWhenIdle(socket, connection);
        setTimeout(() => socket.destroy(), closeGraceMs).unref();
      },
    });
  });

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
          endWhenIdle(socket, connection);
        }
        setTimeout(() => {
          for (const socket of connections.keys()) socket.destroy();
        }, closeGraceMs).unref();
      }),
  };
}
