export interface AppErrorOptions {
  cause?: unknown;
  /** Sent with the error envelope. */
  data?: unknown;
  /** Response headers the answer needs, e.g. `Retry-After` on a 429. */
  headers?: Record<string, string>;
}

/**
 * The one error type of the suite's HTTP answers: it carries the HTTP status, a message safe to show
 * a client, and the headers that go with the answer. Routes raise it; a peer or store that failed
 * raises proto's PeerError instead, which the service's HTTP table turns into a status. Anything
 * else is treated as a bug and reported as a generic 500.
 */
export class AppError extends Error {
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.data = options.data;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (message: string, data?: unknown) => new AppError(400, message, { data });
export const unauthorized = (message = 'invalid credentials') => new AppError(401, message);
/** 429 with `Retry-After` in whole seconds (at least 1), so a client knows when to come back. */
export const tooManyRequests = (message: string, retryAfterSeconds: number, data?: unknown) =>
  new AppError(429, message, {
    data,
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
