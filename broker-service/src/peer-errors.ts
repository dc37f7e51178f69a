import { isPeerError, type PeerError, type PeerErrorKind } from '@suite/proto';
import { AppError, type Logger } from '@suite/toolbox';
import type { ErrorRequestHandler } from 'express';

/** The one place where a failed call to a peer (JSON-RPC, gRPC, RabbitMQ) becomes an HTTP status. */
const STATUS_BY_KIND: Record<PeerErrorKind, number> = {
  unreachable: 502,
  refused: 502,
  timeout: 504,
  overloaded: 503,
  invalid: 400,
};

/** The caller learns which peer failed and how, never its address or driver text (those stay in the log). */
export function httpErrorFromPeer(err: PeerError): AppError {
  return new AppError(STATUS_BY_KIND[err.kind], `${err.peer} ${err.kind}`, { cause: err });
}

/** Error middleware, registered before the envelope writer so every route's peer failures are mapped alike. */
export const peerErrorsToHttp: ErrorRequestHandler = (err, _req, res, next) => {
  if (!isPeerError(err)) return next(err);
  // The envelope writer logs a 4xx without its cause; keep the peer's own words in the log.
  const log: Logger | undefined = res.locals.logger;
  if (STATUS_BY_KIND[err.kind] < 500) log?.info({ err: err.message }, 'peer rejected the request');
  next(httpErrorFromPeer(err));
};
