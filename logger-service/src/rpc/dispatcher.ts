import {
  contextOf,
  type LogInfoParams,
  logInfoParamsSchema,
  RPC_METHOD_LOG_INFO,
  rpcLogInfoResult,
} from '@suite/proto';
import { describeZodError, type Logger, requestIdAttributes, SpanKind, withSpan } from '@suite/toolbox';
import { JSONRPCErrorCode, JSONRPCErrorException, type JSONRPCRequest, JSONRPCServer } from 'json-rpc-2.0';
import { JSON_RPC_ERROR, writeFailure } from '../failures.js';
import type { LogStore } from '../store/logs.js';

/** One parsed frame, ready to run. */
export interface RpcCall {
  /** How many calls it holds (a batch's length), so the server counts each one in flight. */
  weight: number;
  /** Resolves to the response line, or null when nothing is answered (notifications). */
  run(): Promise<string | null>;
}

/** Reads one newline-delimited frame; a frame that cannot run is a call answering its error. */
export type RpcDispatcher = (line: string) => RpcCall;

/** An error answer to a line whose request id could not be read, hence `id: null`. */
export function errorResponseLine(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
}

const PARSE_ERROR_RESPONSE = errorResponseLine(JSONRPCErrorCode.ParseError, 'Parse error');

const answer = (line: string): RpcCall => ({ weight: 1, run: async () => line });

export function createRpcDispatcher(
  store: LogStore,
  logger: Logger,
  /** Calls one batch may hold; a longer batch is answered with a JSON-RPC error. */
  maxBatch: number,
): RpcDispatcher {
  const server = new JSONRPCServer({
    // Method errors are answered to the caller; the library would otherwise print them with console.warn.
    errorListener: (message, error) => logger.debug({ err: error }, message),
  });

  server.addMethod(RPC_METHOD_LOG_INFO, async (rawParams: unknown) => {
    const params = parseLogInfoParams(rawParams);
    // Each call is a span of the caller's trace (its traceparent), even within a batch of many traces.
    return withSpan(
      RPC_METHOD_LOG_INFO,
      {
        kind: SpanKind.SERVER,
        parent: contextOf(params.traceparent),
        attributes: { 'rpc.system': 'jsonrpc', ...requestIdAttributes(params.request_id) },
      },
      async () => {
        try {
          // The calls of one batch run in one turn, so the store writes them in one group.
          await store.insert(
            { name: params.name, data: params.data },
            { eventId: params.event_id, requestId: params.request_id },
          );
        } catch (err) {
          logger.error({ err, requestId: params.request_id }, 'LogInfo could not store the entry');
          const { kind, reason } = writeFailure(err);
          const { code, label } = JSON_RPC_ERROR[kind];
          throw new JSONRPCErrorException(`${label}: could not store the log entry: ${reason}`, code);
        }
        return rpcLogInfoResult(params.name);
      },
    );
  });

  return (line) => {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      return answer(PARSE_ERROR_RESPONSE);
    }
    // The library assumes an object or an array; anything else (null, 42, "x") is an invalid request.
    if (request === null || typeof request !== 'object') {
      return answer(errorResponseLine(JSONRPCErrorCode.InvalidRequest, 'Invalid Request'));
    }
    if (Array.isArray(request) && request.length > maxBatch) {
      return answer(
        errorResponseLine(
          JSONRPCErrorCode.InvalidRequest,
          `Batch too large: at most ${maxBatch} calls per batch, got ${request.length}`,
        ),
      );
    }
    return {
      weight: Array.isArray(request) ? Math.max(1, request.length) : 1,
      run: async () => {
        const response = await server.receive(request as JSONRPCRequest | JSONRPCRequest[]);
        return response === null ? null : JSON.stringify(response);
      },
    };
  };
}

function parseLogInfoParams(raw: unknown): LogInfoParams {
  // Go's net/rpc/jsonrpc client sends its argument wrapped in a one-element array.
  const params = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw invalidParams('params must be an object {"name": string, "data": string}');
  }
  const result = logInfoParamsSchema.safeParse(params);
  if (!result.success) throw invalidParams(describeZodError(result.error));
  return result.data;
}

function invalidParams(detail: string): JSONRPCErrorException {
  return new JSONRPCErrorException(`Invalid params: ${detail}`, JSONRPCErrorCode.InvalidParams);
}
