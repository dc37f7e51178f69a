import { z } from 'zod';

export interface Mailbox {
  name?: string;
  address: string;
}

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_MESSAGE_LENGTH = 10_000;

// CR and LF would let a caller append headers (e.g. Bcc) to the mail; the rest has no place in a header either.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
const HEADER_SAFE = 'must not contain line breaks or other control characters';

const headerText = () => z.string().regex(NO_CONTROL_CHARACTERS, HEADER_SAFE);
const emailAddress = () => headerText().max(320).email('must be a valid email address');

const NAMED_ADDRESS = /^\s*(?:"([^"]*)"|([^"<>]*?))\s*<([^<>]+)>\s*$/;

/** Accepts `addr@example.com`, `Name <addr@example.com>` and `"Name" <addr@example.com>`. */
export function parseMailbox(value: string): Mailbox | undefined {
  const named = NAMED_ADDRESS.exec(value);
  const name = named ? (named[1] ?? named[2] ?? '').trim() : undefined;
  const address = named ? named[3]!.trim() : value.trim();
  if (!z.string().email().safeParse(address).success) return undefined;
  return name ? { name, address } : { address };
}

const mailbox = () =>
  headerText()
    .max(400)
    .transform((value, ctx) => {
      const parsed = parseMailbox(value);
      if (!parsed) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: 'must be an email address or "Name <address>"',
        });
        return z.NEVER;
      }
      return parsed;
    });

/** The body the broker sends: exactly these four fields, `to` a single address. */
export const sendRequestSchema = z.object({
  from: mailbox().optional(),
  to: emailAddress(),
  subject: headerText()
    .min(1, 'must not be empty')
    .max(MAX_SUBJECT_LENGTH, `must be at most ${MAX_SUBJECT_LENGTH} characters`),
  message: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`),
});
