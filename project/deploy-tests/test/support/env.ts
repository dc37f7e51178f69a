import { readText } from './files.js';

/**
 * Compose-style interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, $$.
 * `vars` stands for the deploying shell; tests pass {} to see the committed defaults.
 */
export function interpolate(text: string, vars: Record<string, string> = {}): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name, op, arg) => {
    if (match === '$$') return '$';
    const value = vars[name];
    if (op === ':-') return value ? value : arg;
    if (op === '-') return value ?? arg;
    if (op === ':?' || op === '?') {
      if (value) return value;
      throw new Error(`${name} is required: ${arg}`);
    }
    return value ?? '';
  });
}

/** Every ${VAR...} reference outside comment lines, with its default (undefined when it has none). */
export function references(text: string): { name: string; fallback: string | undefined }[] {
  const code = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  return [...code.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g)].map((m) => ({
    name: m[1]!,
    fallback: m[2],
  }));
}

/** Variables the file refuses to run without (${VAR:?message}): the deploying shell must set them. */
export function requiredFromShell(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]!))];
}

export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    vars[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return vars;
}

export const envExample = () => parseDotenv(readText('.env.example'));

/** A compose `environment` (map or KEY=VALUE list) with every value interpolated from `vars`. */
export function composeEnvironment(
  environment: unknown,
  vars: Record<string, string> = {},
): Record<string, string> {
  const entries: [string, string][] = Array.isArray(environment)
    ? environment.map((item: string) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries((environment ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        v == null ? '' : String(v),
      ]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v, vars)]));
}

/** Splits a peer address (URL or host:port) the way the services read it. */
export function hostAndPort(value: string): { scheme?: string; host: string; port: number } {
  if (value.includes('://')) {
    const url = new URL(value);
    return { scheme: url.protocol, host: url.hostname, port: Number(url.port) };
  }
  const at = value.lastIndexOf(':');
  return at < 0
    ? { host: value, port: Number.NaN }
    : { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}
