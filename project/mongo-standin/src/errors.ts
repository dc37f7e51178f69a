/** An error that becomes an `{ok: 0, code, codeName, errmsg}` reply, as MongoDB reports it. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export const badValue = (message: string) => new CommandError(2, 'BadValue', message);
export const typeMismatch = (message: string) => new CommandError(14, 'TypeMismatch', message);
export const invalidNamespace = (message: string) => new CommandError(73, 'InvalidNamespace', message);
export const namespaceNotFound = (message: string) => new CommandError(26, 'NamespaceNotFound', message);
export const unauthorized = (message: string) => new CommandError(13, 'Unauthorized', message);
export const authenticationFailed = () =>
  new CommandError(18, 'AuthenticationFailed', 'Authentication failed.');

export function errorReply(err: unknown): Record<string, unknown> {
  if (err instanceof CommandError) {
    return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
  }
  // Mingo and bson throw plain errors for bad operators or values: the client sent something we cannot run.
  const message = err instanceof Error ? err.message : String(err);
  return { ok: 0, errmsg: message, code: 2, codeName: 'BadValue' };
}
