import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger, describeZodError } from '@suite/toolbox';
import { z } from 'zod';
import { configSchema, readConfig } from './config.js';
import type { Database } from './db/database.js';
import { openUserDatabase } from './db/open.js';
import { emailField, newPasswordField } from './users/credentials.js';
import { createPasswordHasher } from './users/passwords.js';
import { createUserStore } from './users/store.js';

const USAGE = `Usage: npm run -w @suite/authentication-service user -- <command> [options]

Commands:
  add --email <email> --password <password> --first-name <name> --last-name <name> [--inactive]
      Create a user (password: 8 characters to 72 bytes).
  reset-password --email <email> --password <password>
      Replace a user's password.
  list
      Show every user (never the password hashes).

The database is DATABASE_URL (default ${configSchema.shape.DATABASE_URL.parse(undefined)}); BCRYPT_COST sets the hash cost.
`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

class UsageError extends Error {}

const addSchema = z.object({
  email: emailField,
  password: newPasswordField,
  'first-name': z.string().trim().min(1, 'is required').max(255),
  'last-name': z.string().trim().min(1, 'is required').max(255),
  inactive: z.boolean().default(false),
});
const resetSchema = z.object({ email: emailField, password: newPasswordField });

function parseOptions<S extends z.ZodTypeAny>(schema: S, args: string[]): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        inactive: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const result = schema.safeParse(values);
  if (!result.success) throw new UsageError(describeZodError(result.error));
  return result.data;
}

/** Runs one CLI command and returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    (command ? io.out : io.err)(USAGE);
    return command ? 0 : 2;
  }
  let db: Database | undefined;
  try {
    if (!['add', 'reset-password', 'list'].includes(command))
      throw new UsageError(`unknown command "${command}"`);
    if (command === 'list' && rest.length > 0) throw new UsageError('list takes no options');
    const options =
      command === 'add'
        ? { kind: 'add' as const, ...parseOptions(addSchema, rest) }
        : command === 'reset-password'
          ? { kind: 'reset' as const, ...parseOptions(resetSchema, rest) }
          : { kind: 'list' as const };
    const config = readConfig(io.env);
    const logger = createLogger('authentication-cli', 'error');
    db = await openUserDatabase({
      url: config.DATABASE_URL,
      logger,
      statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
      max: 1,
    });
    const users = createUserStore(db);
    if (options.kind === 'list') {
      for (const u of await users.list()) {
        io.out(
          `${u.id}\t${u.email}\t${u.first_name} ${u.last_name}\t${u.active ? 'active' : 'inactive'}\t${u.created_at.toISOString()}\n`,
        );
      }
      return 0;
    }
    const passwords = await createPasswordHasher(config.BCRYPT_COST);
    const passwordHash = await passwords.hash(options.password);
    if (options.kind === 'add') {
      const created = await users.insert({
        email: options.email,
        firstName: options['first-name'],
        lastName: options['last-name'],
        passwordHash,
        active: !options.inactive,
      });
      if (!created) {
        io.err(`error: a user with email ${options.email} already exists\n`);
        return 1;
      }
      io.out(`added user ${created.id} ${created.email}${created.active ? '' : ' (inactive)'}\n`);
      return 0;
    }
    if (!(await users.setPasswordHash(options.email, passwordHash))) {
      io.err(`error: no user with email ${options.email}\n`);
      return 1;
    }
    io.out(`password reset for ${options.email}\n`);
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

// Runs only when executed as the CLI, not when a test imports runCli.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}
