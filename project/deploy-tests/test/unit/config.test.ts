import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { serviceNames } from '../support/addresses.js';
import { repoPath } from '../support/files.js';
import { deployed, targets } from '../support/targets.js';

interface ZodField {
  safeParse(input: unknown): { success: boolean; data?: unknown };
}
interface ConfigSchema {
  shape: Record<string, ZodField>;
  safeParse(input: unknown): {
    success: boolean;
    error?: { issues: { path: (string | number)[]; message: string }[] };
  };
}

/** Loads `<service>/src/config.ts`, the authoritative list of the variables a service reads. */
async function loadSchema(name: string): Promise<ConfigSchema> {
  const file = repoPath(name, 'src', 'config.ts');
  assert.ok(existsSync(file), `${name}/src/config.ts is missing: it must export configSchema`);
  let module: { configSchema?: ConfigSchema };
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    assert.fail(`cannot import ${name}/src/config.ts (is @suite/toolbox built? run npm run build): ${error}`);
  }
  assert.ok(
    module.configSchema?.shape,
    `${name}/src/config.ts does not export a zod object named configSchema`,
  );
  return module.configSchema;
}

/** This machine by name or address: right for `make run`, wrong inside any container. */
const LOOPBACK = /\blocalhost\b|\b127\.\d+\.\d+\.\d+\b|\[?::1\]?(?![\d:])/;

/**
 * The variables every deployment must set: those without a default, and those whose default names this
 * machine (a peer's URL or address, an origin, a host), which inside a container points at the container
 * itself. Everything else may be left to its default.
 */
function requiredInDeployment(schema: ConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => {
      // Not isOptional(): zod counts a field with a default as optional, which made every field so.
      const fallback = field.safeParse(undefined);
      return !fallback.success || LOOPBACK.test(JSON.stringify(fallback.data ?? ''));
    })
    .map(([key]) => key);
}

/** The service treats an empty variable as unset (toolbox loadConfig), so the check does too. */
function asServiceSees(schema: ConfigSchema, environment: Record<string, string>) {
  return Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, environment[key] === '' ? undefined : environment[key]]),
  );
}

for (const name of serviceNames) {
  describe(`${name} configuration`, () => {
    let schema: ConfigSchema;
    before(async () => {
      schema = await loadSchema(name);
    });

    for (const target of targets) {
      test(`when ${target} starts it, then every variable whose default only works outside a container is set`, () => {
        const { environment } = deployed(target, name);
        const required = requiredInDeployment(schema);
        const missing = required.filter((key) => !environment[key]);
        assert.deepEqual(missing, [], `${target} leaves required variables of ${name} unset`);
      });

      test(`when ${target} starts it, then the configuration parses with the committed values`, () => {
        const { environment } = deployed(target, name);
        const result = schema.safeParse(asServiceSees(schema, environment));
        const problems = (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
        assert.deepEqual(problems, [], `${target} gives ${name} an invalid configuration`);
      });

      test(`when ${target} sets a variable, then ${name} actually reads it`, () => {
        // The standard OTEL_* variables are read by the tracing bootstrap (@suite/toolbox/tracing), not the service.
        const unknown = deployed(target, name).explicit.filter(
          (key) => !(key in schema.shape) && !key.startsWith('OTEL_'),
        );
        assert.deepEqual(unknown, [], `${target} sets variables ${name}'s configSchema does not know`);
      });
    }
  });
}
