/**
 * The one error type of the suite: it carries the HTTP status and a message safe to show a client.
 * Anything that is not an AppError is treated as a bug and reported as a generic 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = codeForStatus(status),
    options?: { cause?: unknown; data?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.data = options?.data;
  }
  readonly data: unknown;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'too_many_requests';
    case 502:
      return 'bad_gateway';
    case 503:
      return 'unavailable';
    case 504:
      return 'gateway_timeout';
    default:
      return status >= 500 ? 'internal' : 'error';
  }
}

export const badRequest = (message: string, data?: unknown) =>
  new AppError(400, message, 'bad_request', { data });
export const unauthorized = (message = 'invalid credentials') => new AppError(401, message);
export const badGateway = (service: string, detail: string, cause?: unknown) =>
  new AppError(502, `${service} ${detail}`, 'bad_gateway', { cause });
export const unavailable = (message: string, cause?: unknown) =>
  new AppError(503, message, 'unavailable', { cause });
export const gatewayTimeout = (service: string, timeoutMs: number, cause?: unknown) =>
  new AppError(504, `${service} did not answer within ${timeoutMs} ms`, 'gateway_timeout', { cause });

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
