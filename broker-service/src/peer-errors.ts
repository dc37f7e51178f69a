import { isPeerError, type PeerError } from '@suite/proto';
import { type AppError, type Logger, serviceFailure } from '@suite/toolbox';
import type { ErrorRequestHandler } from 'express';

/**
 * The one place where a failed call to a peer (JSON-RPC, gRPC, RabbitMQ) becomes an HTTP status
 * (toolbox's table: 502 unreachable/refused, 504 timeout, 503 overloaded, 400 invalid). The caller
 * learns which peer failed and how, never its address or driver text (those stay in the log).
 */
export function httpErrorFromPeer(err: PeerError): AppError {
  return serviceFailure(err.peer, err.kind, err);
}

/** Error middleware, registered before the envelope writer so every route's peer failures are mapped alike. */
export const peerErrorsToHttp: ErrorRequestHandler = (err, _req, res, next) => {
  if (!isPeerError(err)) return next(err);
  // The envelope writer logs a 4xx without its cause; keep the peer's own words in the log.
  const log: Logger | undefined = res.locals.logger;
  const httpError = httpErrorFromPeer(err);
  if (httpError.status < 500) log?.info({ err: err.message }, 'peer rejected the request');
  next(httpError);
};
