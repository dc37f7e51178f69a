import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createLogger, describeZodError } from '@suite/toolbox';
import { read } from 'read';
import { z } from 'zod';
import { configSchema, isLocalDevelopment, readConfig } from './config.js';
import type { Database } from './db/database.js';
import { openUserDatabase } from './db/open.js';
import { emailField, newPasswordField, normaliseEmail } from './users/credentials.js';
import { createPasswordHasher } from './users/passwords.js';
import {
  adminPasswordProblem,
  DEMO_USER,
  isDemoUser,
  PUBLISHED_PASSWORDS,
} from './users/public-credentials.js';
import { createUserStore } from './users/store.js';

const USAGE = `Usage: npm run -w @suite/authentication-service user -- <command> [options]

Commands:
  add --email <email> --first-name <name> --last-name <name> [--inactive] [--admin]
      Create a user (password: 8 characters to 72 bytes).
  reset-password --email <email>
      Replace a user's password.
  grant-admin --email <email>
  revoke-admin --email <email>
      Give or take away the admin right (the logger's admin UI accepts only administrators).
      The page's demo user (${DEMO_USER.email}) never gets it, and outside local development
      (BIND_HOST=127.0.0.1) no administrator gets a password published in this repository.
  list
      Show every user (never the password hashes).

Passwords are never taken from the command line: on a terminal the CLI asks for the password
without echoing it (twice); otherwise it reads the first line of standard input, e.g.
  printf '%s\\n' "$NEW_PASSWORD" | npm run -w @suite/authentication-service user -- reset-password --email jane@example.com

The database is DATABASE_URL (default ${configSchema.shape.DATABASE_URL.parse(undefined)}); BCRYPT_COST sets the hash cost.
`;

const PASSWORD_ARGUMENT_REFUSED =
  '--password is not accepted: a password on the command line is visible in ps, the shell history and ' +
  "npm's output. Type it at the prompt, or give it as the first line of standard input";

interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** The new password: a no-echo prompt on a terminal, else the first line of standard input. */
  readPassword: () => Promise<string>;
}

class UsageError extends Error {}

const addSchema = z.object({
  email: emailField,
  'first-name': z.string().trim().min(1, 'is required').max(255),
  'last-name': z.string().trim().min(1, 'is required').max(255),
  inactive: z.boolean().default(false),
  admin: z.boolean().default(false),
});
const emailOnlySchema = z.object({ email: emailField });

const COMMANDS = ['add', 'reset-password', 'grant-admin', 'revoke-admin', 'list'] as const;
type Command = (typeof COMMANDS)[number];

function parseOptions<S extends z.ZodTypeAny>(schema: S, args: string[]): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        email: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        inactive: { type: 'boolean' },
        admin: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const result = schema.safeParse(values);
  if (!result.success) throw new UsageError(describeZodError(result.error));
  return result.data;
}

async function readNewPassword(io: CliIo): Promise<string> {
  const result = newPasswordField.safeParse(await io.readPassword());
  if (!result.success) throw new UsageError(describeZodError(result.error).replace(/^body/, 'password'));
  return result.data;
}

/** Runs one CLI command and returns the exit code (0 ok, 1 failure, 2 usage error). */
async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    (command ? io.out : io.err)(USAGE);
    return command ? 0 : 2;
  }
  let db: Database | undefined;
  try {
    if (rest.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
      throw new UsageError(PASSWORD_ARGUMENT_REFUSED);
    }
    if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}"`);
    const chosen = command as Command;
    if (chosen === 'list' && rest.length > 0) throw new UsageError('list takes no options');
    const add = chosen === 'add' ? parseOptions(addSchema, rest) : undefined;
    const { email } = add ?? (chosen === 'list' ? { email: '' } : parseOptions(emailOnlySchema, rest));
    const password = chosen === 'add' || chosen === 'reset-password' ? await readNewPassword(io) : undefined;

    const config = readConfig(io.env);
    db = await openUserDatabase({
      url: config.DATABASE_URL,
      logger: createLogger('authentication-cli', 'error'),
      statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
      max: 1,
    });
    const users = createUserStore(db);
    const missing = () => {
      io.err(`error: no user with email ${email}\n`);
      return 1;
    };
    const refuse = (reason: string) => {
      io.err(`error: ${reason}\n`);
      return 1;
    };
    const demoRefused = `${DEMO_USER.email} is the page's demo user, whose password is public: it cannot be an administrator`;
    const local = isLocalDevelopment(config);
    if (chosen === 'list') {
      for (const u of await users.list()) {
        io.out(
          `${u.id}\t${u.email}\t${u.first_name} ${u.last_name}\t${u.active ? 'active' : 'inactive'}\t${u.admin ? 'admin' : 'user'}\t${u.created_at.toISOString()}\n`,
        );
      }
      return 0;
    }
    if (chosen === 'add' && add && password) {
      if (add.admin && isDemoUser(normaliseEmail(email))) return refuse(demoRefused);
      const problem = add.admin ? adminPasswordProblem(password, local) : undefined;
      if (problem) return refuse(`the password ${problem}`);
      const passwordHash = await (await createPasswordHasher(config.BCRYPT_COST)).hash(password);
      const created = await users.insert({
        email,
        firstName: add['first-name'],
        lastName: add['last-name'],
        passwordHash,
        active: !add.inactive,
        admin: add.admin,
      });
      if (!created) {
        io.err(`error: a user with email ${email} already exists\n`);
        return 1;
      }
      const notes = [created.active ? '' : ' (inactive)', created.admin ? ' (admin)' : ''].join('');
      io.out(`added user ${created.id} ${created.email}${notes}\n`);
      return 0;
    }
    if (chosen === 'reset-password' && password) {
      const user = await users.findByEmail(email);
      if (!user) return missing();
      const problem = user.admin ? adminPasswordProblem(password, local) : undefined;
      if (problem) return refuse(`${email} is an administrator: the password ${problem}`);
      const passwordHash = await (await createPasswordHasher(config.BCRYPT_COST)).hash(password);
      if (!(await users.setPasswordHash(email, passwordHash))) return missing();
      io.out(`password reset for ${email}\n`);
      return 0;
    }
    const admin = chosen === 'grant-admin';
    if (admin && isDemoUser(normaliseEmail(email))) return refuse(demoRefused);
    if (admin && !local) {
      const user = await users.findByEmail(email);
      if (!user) return missing();
      const hasher = await createPasswordHasher(config.BCRYPT_COST);
      for (const published of PUBLISHED_PASSWORDS) {
        if (await hasher.verify(published, user.passwordHash)) {
          return refuse(
            `${email} has a password published in this repository: give it another one with reset-password first`,
          );
        }
      }
    }
    if (!(await users.setAdmin(email, admin))) return missing();
    io.out(`${email} ${admin ? 'is now an administrator' : 'is no longer an administrator'}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}

/** A no-echo prompt (asked twice) on a terminal; otherwise the first line of standard input. */
async function passwordFromTerminalOrStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    const ask = (prompt: string) => read({ prompt, silent: true, output: process.stderr });
    const first = await ask('New password: ');
    if ((await ask('Repeat the password: ')) !== first) throw new UsageError('the two passwords differ');
    return first;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new UsageError('no password on standard input');
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readPassword: passwordFromTerminalOrStdin,
});
