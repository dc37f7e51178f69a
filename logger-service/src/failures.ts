import { status as GrpcStatus } from '@grpc/grpc-js';
import { isPeerError, type PeerErrorKind } from '@suite/proto';
import type { HttpStatusOfKind } from '@suite/toolbox';
import { JSONRPCErrorCode } from 'json-rpc-2.0';

/*
 * What a failed write or read means on each of the logger's transports, one table each. The store
 * raises proto's kinds (MongoDB unreachable or timed out, an operation it refused); nothing else
 * in the logger knows an HTTP status or a gRPC code.
 */

/** HTTP (`/log` and the admin pages): MongoDB away is a 503, come back later; a refused operation ours, a 500. */
export const HTTP_STATUS: HttpStatusOfKind = {
  unreachable: 503,
  timeout: 503,
  overloaded: 503,
  refused: 500,
  invalid: 400,
};

/**
 * gRPC `WriteLog`, in the words proto's gRPC client reads back: UNAVAILABLE (`unreachable`, retry),
 * RESOURCE_EXHAUSTED (`overloaded`), INVALID_ARGUMENT (`invalid`, never retried), INTERNAL (`refused`).
 */
export const GRPC_STATUS: Readonly<Record<PeerErrorKind, GrpcStatus>> = {
  unreachable: GrpcStatus.UNAVAILABLE,
  timeout: GrpcStatus.UNAVAILABLE,
  overloaded: GrpcStatus.RESOURCE_EXHAUSTED,
  refused: GrpcStatus.INTERNAL,
  invalid: GrpcStatus.INVALID_ARGUMENT,
};

export interface JsonRpcError {
  code: number;
  /** The code's name, which starts the message as the specification's examples do. */
  label: string;
}

const INTERNAL_ERROR: JsonRpcError = { code: JSONRPCErrorCode.InternalError, label: 'Internal error' };

/**
 * JSON-RPC `LogInfo`: any storage failure is -32603, which the listener retries; only an entry that
 * can never be stored is -32602, which proto's client reads as `invalid` and the listener dead-letters.
 */
export const JSON_RPC_ERROR: Readonly<Record<PeerErrorKind, JsonRpcError>> = {
  unreachable: INTERNAL_ERROR,
  timeout: INTERNAL_ERROR,
  overloaded: INTERNAL_ERROR,
  refused: INTERNAL_ERROR,
  invalid: { code: JSONRPCErrorCode.InvalidParams, label: 'Invalid params' },
};

/**
 * A failed write as the gRPC and JSON-RPC handlers report it: its kind and what the caller may read
 * (the summary, never the driver's words). Anything but a PeerError is a bug of ours: `refused`,
 * without its text.
 */
export function writeFailure(err: unknown): { kind: PeerErrorKind; reason: string } {
  return isPeerError(err)
    ? { kind: err.kind, reason: err.summary }
    : { kind: 'refused', reason: 'logger-service internal error' };
}
