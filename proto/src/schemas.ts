import { type ZodError, z } from 'zod';

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
    name: z
      .string({ required_error: 'name is required', invalid_type_error: 'name must be a string' })
      .trim()
      .min(1, 'name must not be empty')
      .max(LOG_NAME_MAX_CHARS, `name must be at most ${LOG_NAME_MAX_CHARS} characters`),
    data: z
      .string({ required_error: 'data is required', invalid_type_error: 'data must be a string' })
      .max(LOG_DATA_MAX_CHARS, `data must be at most ${LOG_DATA_MAX_CHARS} characters`),
  })
  .strip();
export type LogEntry = z.infer<typeof logEntrySchema>;

const idSchema = z.string().min(1).max(128);

/** Params of the JSON-RPC `LogInfo` method: the entry plus the ids that make it traceable and idempotent. */
export const logInfoParamsSchema = logEntrySchema.extend({
  event_id: idSchema.optional(),
  request_id: idSchema.optional(),
});
export type LogInfoParams = z.infer<typeof logInfoParamsSchema>;

/** Body of an AMQP event on `logs_topic`; the event id travels as the message id. */
export const logEventSchema = logEntrySchema;
export type LogEvent = z.infer<typeof logEventSchema>;
