/**
 * The logging proto's clients need. pino's Logger satisfies it, so services pass their own logger;
 * proto itself stays free of any logging library.
 */
export interface ProtoLogger {
  debug(details: object, message?: string): void;
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
  child(bindings: Record<string, unknown>): ProtoLogger;
}
