import { z } from 'zod';

/**
 * The auth and mail request bodies, with the one set of limits the broker (which checks them first)
 * and the services (which own the work) both apply, so a request the broker lets through is never
 * refused downstream for a limit the two disagree on; and the answer of `POST /authenticate`.
 */
/** RFC 5321's longest usable address (a 256-octet path minus the angle brackets). */
export const EMAIL_MAX_CHARS = 254;
/** bcrypt ignores every byte after the 72nd, so a longer password would be silently shortened. */
export const PASSWORD_MAX_BYTES = 72;
export const SUBJECT_MAX_CHARS = 200;
export const MESSAGE_MAX_CHARS = 10_000;
/** `Display Name <address>`: the address plus room for a name. */
export const MAILBOX_MAX_CHARS = 400;

const string = () => z.string({ required_error: 'is required', invalid_type_error: 'must be a string' });

/**
 * The length limit, checked first and alone: `then` (patterns, refinements) runs only on a value
 * within it. zod runs every check of one string even after one has failed, so a pattern chained
 * after `.max()` would still scan an over-long value; `.pipe` stops at the failed limit.
 */
const lengthFirst = <T extends z.ZodTypeAny>(max: number, message: string, then: T) =>
  string().max(max, message).pipe(then);

// CR and LF in a header field would let a caller append headers (e.g. Bcc); no other control
// character belongs in a header either.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
/** A string that may go into a mail header: no line break or other control character. */
export const headerField = () =>
  string().regex(NO_CONTROL_CHARACTERS, 'must not contain line breaks or other control characters');

const emailAddress = () =>
  lengthFirst(
    EMAIL_MAX_CHARS,
    `must be at most ${EMAIL_MAX_CHARS} characters`,
    headerField().trim().min(1, 'must not be empty').email('must be a valid email address'),
  );

export interface Mailbox {
  name?: string;
  address: string;
}

const plainAddress = z.string().email();

/**
 * Accepts `addr@example.com`, `Name <addr@example.com>` and `"Name" <addr@example.com>`. A few
 * string scans, each linear in the value's length: no pattern can backtrack on it.
 */
export function parseMailbox(value: string): Mailbox | undefined {
  if (value.length > MAILBOX_MAX_CHARS) return undefined;
  const text = value.trim();
  let name = '';
  let address = text;
  if (text.endsWith('>')) {
    const open = text.lastIndexOf('<');
    if (open === -1) return undefined;
    address = text.slice(open + 1, -1).trim();
    if (address.includes('>')) return undefined;
    const display = text.slice(0, open).trim();
    if (display.startsWith('"')) {
      // A quoted name may hold anything but a quote; nothing may follow its closing quote.
      if (display.length < 2 || !display.endsWith('"')) return undefined;
      name = display.slice(1, -1);
      if (name.includes('"')) return undefined;
    } else {
      if (/["<>]/.test(display)) return undefined;
      name = display;
    }
    name = name.trim();
  }
  if (address.length > EMAIL_MAX_CHARS || !plainAddress.safeParse(address).success) return undefined;
  return name ? { name, address } : { address };
}

/** The authentication-service's login route. */
export const AUTHENTICATE_PATH = '/authenticate';

/** `POST /authenticate` and the broker's `auth` action. */
export const authRequestSchema = z.object({
  email: emailAddress(),
  // Compared as typed: no trimming. A character is at least one byte of UTF-8, so a value with
  // more characters than the byte limit fails on its length before its bytes are counted.
  password: lengthFirst(
    PASSWORD_MAX_BYTES,
    `must be at most ${PASSWORD_MAX_BYTES} bytes`,
    z
      .string()
      .min(1, 'must not be empty')
      .refine((p) => Buffer.byteLength(p, 'utf8') <= PASSWORD_MAX_BYTES, {
        message: `must be at most ${PASSWORD_MAX_BYTES} bytes`,
      }),
  ),
});

export type AuthRequest = z.infer<typeof authRequestSchema>;

/**
 * The user `POST /authenticate` answers with (the envelope's `data`, status 202); never the password
 * hash. The timestamps are `Date` where the authentication-service reads them and ISO strings on the wire.
 */
export interface AuthenticatedUser<Timestamp = string> {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  active: boolean;
  /** May use the logger's admin UI; anything but `true` is no right. */
  admin: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `POST /send` on the mail-service and the broker's `mail` action: `to` is one address. */
export const mailRequestSchema = z.object({
  /** The caller's address; the mail-service sends from its own and puts this one in Reply-To. */
  from: lengthFirst(
    MAILBOX_MAX_CHARS,
    `must be at most ${MAILBOX_MAX_CHARS} characters`,
    headerField().refine(
      (v) => parseMailbox(v) !== undefined,
      'must be an email address or "Name <address>"',
    ),
  ).optional(),
  to: emailAddress(),
  subject: lengthFirst(
    SUBJECT_MAX_CHARS,
    `must be at most ${SUBJECT_MAX_CHARS} characters`,
    headerField().min(1, 'must not be empty'),
  ),
  // The body may hold line breaks; it never reaches a header.
  message: string()
    .min(1, 'must not be empty')
    .max(MESSAGE_MAX_CHARS, `must be at most ${MESSAGE_MAX_CHARS} characters`),
});
