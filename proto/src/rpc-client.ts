import net from 'node:net';
import { badGateway, badRequest, currentRequestId, gatewayTimeout, splitHostPort } from '@suite/toolbox';
import { JSONRPCClient, JSONRPCErrorException, type JSONRPCResponse } from 'json-rpc-2.0';
import { readLines } from './framing.js';
import { RPC_METHOD_LOG_INFO } from './names.js';
import type { LogEntry, LogInfoParams } from './schemas.js';

export interface LogRpcClient {
  logInfo(entry: LogEntry, ids?: { eventId?: string; requestId?: string }): Promise<string>;
  close(): void;
}

export interface LogRpcClientOptions {
  /** host:port of the logger's JSON-RPC listener. */
  address: string;
  timeoutMs?: number;
  service?: string;
  maxLineBytes?: number;
}

const TIMEOUT_CODE = -32099;

/**
 * JSON-RPC 2.0 over one long-lived TCP connection with newline framing. Calls are pipelined and
 * matched by id; a dropped connection fails the calls in flight and the next call dials again.
 */
export function createLogRpcClient(options: LogRpcClientOptions): LogRpcClient {
  const {
    address,
    timeoutMs = 5000,
    service = 'logger-service (JSON-RPC)',
    maxLineBytes = 1 << 20,
  } = options;
  const { host, port } = splitHostPort(address);
  let socket: net.Socket | undefined;
  let closed = false;
  let lastSocketError: Error | undefined;

  const rpc: JSONRPCClient = new JSONRPCClient((request) => {
    connection().write(`${JSON.stringify(request)}\n`);
  });

  function connection(): net.Socket {
    if (socket && !socket.destroyed) return socket;
    const fresh = net.connect({ host, port });
    fresh.setNoDelay(true);
    fresh.setKeepAlive(true, 30_000);
    lastSocketError = undefined;
    readLines(fresh, {
      maxLineBytes,
      onLine: (line) => {
        let response: JSONRPCResponse;
        try {
          response = JSON.parse(line);
        } catch {
          fresh.destroy(new Error('logger sent a malformed JSON-RPC frame'));
          return;
        }
        rpc.receive(response);
      },
      onOverflow: () => fresh.destroy(new Error('logger sent an oversized JSON-RPC frame')),
    });
    fresh.on('error', (err) => {
      lastSocketError = err;
    });
    fresh.on('close', () => {
      if (socket === fresh) socket = undefined;
      rpc.rejectAllPendingRequests(lastSocketError?.message ?? 'connection closed');
    });
    socket = fresh;
    return fresh;
  }

  return {
    async logInfo(entry, ids = {}) {
      if (closed) throw badGateway(service, 'client is closed');
      const params: LogInfoParams = { name: entry.name, data: entry.data };
      const requestId = ids.requestId ?? currentRequestId();
      if (requestId) params.request_id = requestId;
      if (ids.eventId) params.event_id = ids.eventId;
      try {
        const result = await rpc
          .timeout(timeoutMs, (id) => ({
            jsonrpc: '2.0',
            id,
            error: { code: TIMEOUT_CODE, message: 'timeout' },
          }))
          .request(RPC_METHOD_LOG_INFO, params);
        return String(result);
      } catch (err) {
        throw mapRpcError(err, service, timeoutMs);
      }
    },
    close() {
      closed = true;
      socket?.end();
      socket = undefined;
    },
  };
}

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EPIPE|connection closed/;

function mapRpcError(err: unknown, service: string, timeoutMs: number) {
  const message = err instanceof Error ? err.message : String(err);
  // Calls failed by a dropped socket arrive as JSON-RPC errors carrying the socket's message.
  if (UNREACHABLE.test(message)) return badGateway(service, 'is unreachable', err);
  if (err instanceof JSONRPCErrorException) {
    if (err.code === TIMEOUT_CODE) return gatewayTimeout(service, timeoutMs, err);
    if (err.code === -32602) return badRequest(err.message);
    return badGateway(service, `failed: ${err.message}`, err);
  }
  return badGateway(service, `failed: ${message}`, err);
}
