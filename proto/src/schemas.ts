import { type ZodError, z } from 'zod';
import { isReservedLogName } from './names.js';

/** `field: problem; field: problem`, the way every 400 of the suite names what is wrong. */
export function describeIssues(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

export const LOG_NAME_MAX_CHARS = 256;
export const LOG_DATA_MAX_CHARS = 64 * 1024;

/** A log entry as every transport accepts it (HTTP, JSON-RPC, gRPC, AMQP). */
export const logEntrySchema = z
  .object({
    // The limit counts the name as sent: blanks around it are trimmed only once it is within it.
    name: z
      .string({ required_error: 'name is required', invalid_type_error: 'name must be a string' })
      .max(LOG_NAME_MAX_CHARS, `name must be at most ${LOG_NAME_MAX_CHARS} characters`)
      .pipe(z.string().trim().min(1, 'name must not be empty')),
    data: z
      .string({ required_error: 'data is required', invalid_type_error: 'data must be a string' })
      .max(LOG_DATA_MAX_CHARS, `data must be at most ${LOG_DATA_MAX_CHARS} characters`),
  })
  .strip();
export type LogEntry = z.infer<typeof logEntrySchema>;

/**
 * A log entry as the public may write it (the broker's `log` action and `/log-grpc`, the logger's
 * HTTP `/log`): the suite's own record names are refused, so no one can forge an audit record.
 * Checked after the length, on a name within it.
 */
export const publicLogEntrySchema = logEntrySchema.extend({
  name: logEntrySchema.shape.name.pipe(
    z.string().superRefine((name, ctx) => {
      if (isReservedLogName(name)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `name ${JSON.stringify(name)} is reserved for the suite's own records`,
        });
      }
    }),
  ),
});

export const ID_MAX_CHARS = 128;
const idSchema = z.string().min(1).max(ID_MAX_CHARS);

/** Params of the JSON-RPC `LogInfo` method: the entry plus the ids that make it traceable and idempotent. */
export const logInfoParamsSchema = logEntrySchema.extend({
  event_id: idSchema.optional(),
  request_id: idSchema.optional(),
  /** The caller's W3C trace context (`00-<trace id>-<span id>-<flags>`), beside the request id. */
  traceparent: idSchema.optional(),
});
export type LogInfoParams = z.infer<typeof logInfoParamsSchema>;

/** Body of an AMQP event on `logs_topic`; the event id travels as the message id. */
export const logEventSchema = logEntrySchema;
export type LogEvent = z.infer<typeof logEventSchema>;

/** JSON's longest encoding of one UTF-16 unit (`\u001f`, or a lone surrogate): six bytes. */
const JSON_MAX_BYTES_PER_CHAR = 6;
/** The call around the strings: member names, `"jsonrpc":"2.0"`, the method, a request id, blanks. */
const RPC_ENVELOPE_BYTES = 2048;

/**
 * The longest line a valid `LogInfo` call can take: every string at its limit with every character
 * escaped at its longest, plus the envelope. The logger's JSON-RPC server refuses a longer line, and
 * the client splits a batch into lines of at most this size, so a valid call always fits.
 */
export const RPC_MAX_LINE_BYTES =
  JSON_MAX_BYTES_PER_CHAR * (LOG_NAME_MAX_CHARS + LOG_DATA_MAX_CHARS + 3 * ID_MAX_CHARS) + RPC_ENVELOPE_BYTES;
