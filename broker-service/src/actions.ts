import { authRequestSchema, mailRequestSchema, publicLogEntrySchema } from '@suite/proto';
import { badRequest, describeZodError } from '@suite/toolbox';
import { z } from 'zod';

const ACTIONS = ['auth', 'log', 'mail'] as const;
const LOG_TRANSPORTS = ['rpc', 'grpc', 'rabbitmq', 'http'] as const;
export type LogTransport = (typeof LOG_TRANSPORTS)[number];

const subObject = <S extends z.ZodRawShape>(example: string, shape: S) =>
  z.object(shape, {
    required_error: `is required, e.g. ${example}`,
    invalid_type_error: `must be an object, e.g. ${example}`,
  });

// The limits are proto's, the same the authentication-service and mail-service apply.
const credentialsSchema = subObject('{"auth":{"email","password"}}', authRequestSchema.shape);
export type Credentials = z.infer<typeof credentialsSchema>;

const mailSchema = subObject('{"mail":{"from","to","subject","message"}}', mailRequestSchema.shape);
export type MailMessage = z.infer<typeof mailSchema>;

// Public writes: the suite's own record names (the login audit, broker_hits) are refused here.
const logSchema = z.object(publicLogEntrySchema.shape, {
  required_error: 'is required, e.g. {"log":{"name","data"}}',
  invalid_type_error: 'must be an object, e.g. {"log":{"name","data"}}',
});

const viaSchema = z
  .enum(LOG_TRANSPORTS, { errorMap: () => ({ message: `via must be one of ${LOG_TRANSPORTS.join(', ')}` }) })
  .default('rpc');

const actionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('auth'), auth: credentialsSchema }),
  z.object({ action: z.literal('log'), log: logSchema, via: viaSchema }),
  z.object({ action: z.literal('mail'), mail: mailSchema }),
]);
type Action = z.infer<typeof actionSchema>;

/** `{"log":{...}}` as `/log-grpc` takes it. */
export const logGrpcSchema = z.object({ log: logSchema });

/**
 * Parses an already JSON-decoded body. The action is checked first so an unknown one gets a message
 * listing the valid actions instead of zod's generic discriminator text.
 */
export function parseAction(body: Record<string, unknown>): Action {
  const { action } = body;
  if (action === undefined) {
    throw badRequest(`"action" is required; valid actions are ${ACTIONS.join(', ')}`);
  }
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw badRequest(`unknown action ${JSON.stringify(action)}; valid actions are ${ACTIONS.join(', ')}`);
  }
  const result = actionSchema.safeParse(body);
  if (!result.success) throw badRequest(describeZodError(result.error));
  return result.data;
}
