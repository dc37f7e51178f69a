/** The subset of a pino logger the stand-in uses, so callers can pass theirs or none. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
