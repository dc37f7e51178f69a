import { z } from 'zod';
import { parseTrustedProxies } from './client-address.js';

/** Raised when the environment does not satisfy a service's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value is a credential by name; their values never appear in a message. */
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY/i;
/** scheme://user:password@host or scheme://token@host: a URL that carries credentials. */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;

/** True when a configuration message may not show this variable's value. */
export function isSecretSetting(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || URL_WITH_CREDENTIALS.test(value);
}

/**
 * One configuration problem as an operator reads it: the variable and the rule it breaks, with its
 * value only when the value cannot be a secret (a rule's own text may quote the value: it is cut out).
 */
export function describeSettingProblem(name: string, value: string | undefined, rule: string): string {
  if (value === undefined || value === '') return `${name} is required but not set`;
  if (!isSecretSetting(name, value)) return `${name}=${JSON.stringify(value)} is invalid: ${rule}`;
  return `${name} is invalid: ${rule.split(value).join('[hidden]')} (the value is not shown)`;
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
        return describeSettingProblem(name, env[name], issue.message);
      }),
    );
  }
  return result.data;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** True when listening on `host` keeps a service off every network but this machine's own. */
export const isLoopbackHost = (host: string | undefined): boolean =>
  host !== undefined && (LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host));

/** Field helpers so every service spells ports, URLs and addresses the same way. */
export const env = {
  /**
   * `BIND_HOST`: the address a service's listeners bind. Unset means every interface, as a container
   * needs; `make run` sets 127.0.0.1.
   */
  bindHost: () =>
    z
      .string()
      .regex(/^[^\s/]+$/, 'expected an address such as 127.0.0.1, 0.0.0.0 or ::')
      .optional(),
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
  /** `REDIS_KEY_PREFIX`: put before every key a service writes to Redis, so deployments can share one. */
  redisKeyPrefix: () =>
    z
      .string()
      .max(64)
      .regex(/^[\w.:-]*$/, 'expected letters, digits and . _ : -')
      .default('suite:'),
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
