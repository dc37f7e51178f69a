import { z } from 'zod';
import { parseTrustedProxies } from './client-address.js';

/** Raised when the environment does not satisfy a service's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against a schema whose keys are variable names.
 * Every problem is collected so an operator fixes them all in one go instead of one per restart.
 */
export function loadConfig<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    // An empty variable means "not set", so `FOO=` falls back to the default like an absent one.
    input[key] = value === undefined || value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const raw = env[name];
        return raw === undefined || raw === ''
          ? `${name} is required but not set`
          : `${name}=${JSON.stringify(raw)} is invalid: ${issue.message}`;
      }),
    );
  }
  return result.data;
}

/** Field helpers so every service spells ports, URLs and addresses the same way. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: (fallback?: string) => {
    const field = z.string().url();
    return fallback === undefined ? field : field.default(fallback);
  },
  hostPort: (fallback: string) =>
    z
      .string()
      .regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port')
      .default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  /**
   * `TRUSTED_PROXIES`: comma-separated IPs and CIDRs. An empty variable means "not set" (the
   * default applies), so `none` is how to trust no one where the default trusts someone.
   */
  trustedProxies: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        try {
          return parseTrustedProxies(text);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
          return z.NEVER;
        }
      }),
  list: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
};
