import { randomBytes } from 'node:crypto';
import { type K8sObject, k8sObjects, readText, type Yaml } from './files.js';

export const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.object.kind === kind);

export const find = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.object.kind === kind && o.object.metadata?.name === name);

export const podSpec = (workload: Yaml): Yaml => workload.spec.template.spec;

export const mainContainer = (workload: Yaml): Yaml => podSpec(workload).containers[0];

/** A probe's or Service's port (a number or a container port name) as a number. */
export function resolvePort(container: Yaml, port: number | string): number {
  if (typeof port === 'number') return port;
  const named = (container.ports ?? []).find((p: Yaml) => p.name === port);
  if (!named) throw new Error(`container ${container.name} has no port named ${port}`);
  return named.containerPort;
}

/**
 * Secrets the base leaves to the operator (no safe value can be committed): the ones project/DEPLOY.md
 * creates with `kubectl ... create secret generic NAME --from-literal=KEY=...`, by name with their keys.
 */
export function operatorSecrets(text = readText('project', 'DEPLOY.md')): Map<string, string[]> {
  const secrets = new Map<string, string[]>();
  // A value is a word or a command substitution ($(openssl rand -hex 24), or $$(...) in a Makefile).
  for (const match of text.matchAll(
    /create secret generic ([\w-]+)((?:\s*\\?\s*--from-literal=\w+=(?:\$?\$\([^)]*\)|\S+))+)/g,
  )) {
    secrets.set(
      match[1]!,
      [...match[2]!.matchAll(/--from-literal=(\w+)=/g)].map((m) => m[1]!),
    );
  }
  return secrets;
}

/**
 * The environment a container starts with: envFrom ConfigMaps/Secrets, then `env` entries
 * (literal values, configMapKeyRef, secretKeyRef), resolved from the objects in the base.
 */
export function containerEnvironment(
  container: Yaml,
  objects: K8sObject[] = k8sObjects(),
): Record<string, string> {
  const dataOf = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> => {
    const found = find(objects, kind, name);
    if (!found) throw new Error(`${container.name} refers to a missing ${kind} ${name}`);
    const { data = {}, stringData = {} } = found.object;
    if (kind === 'Secret') {
      const decoded = Object.fromEntries(
        Object.entries(data as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString(),
        ]),
      );
      return { ...decoded, ...stringData };
    }
    return data;
  };
  const env: Record<string, string> = {};
  // $(NAME) in a value is replaced by an earlier variable of the container, as the kubelet does; $$ escapes.
  const expand = (value: string) =>
    value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name) =>
      match === '$$' ? '$' : name in env ? env[name]! : match,
    );
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, dataOf('ConfigMap', source.configMapRef.name));
    if (source.secretRef) Object.assign(env, dataOf('Secret', source.secretRef.name));
  }
  for (const entry of container.env ?? []) {
    if ('value' in entry) {
      env[entry.name] = expand(String(entry.value ?? ''));
      continue;
    }
    const ref = entry.valueFrom?.configMapKeyRef ?? entry.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`${container.name}: env ${entry.name} has neither a value nor a key reference`);
    if (entry.valueFrom.secretKeyRef && operatorSecrets().get(ref.name)?.includes(ref.key)) {
      env[entry.name] = randomBytes(32).toString('hex');
      continue;
    }
    // A key the operator may add (optional: true) is absent until then.
    if (ref.optional && entry.valueFrom.secretKeyRef && operatorSecrets().has(ref.name)) continue;
    const data = dataOf(entry.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name);
    if (!(ref.key in data))
      throw new Error(`${container.name}: env ${entry.name} refers to missing key ${ref.key}`);
    env[entry.name] = String(data[ref.key]);
  }
  return env;
}

/** Variables a container defines only to build others ($(NAME) in a later value), not for its process. */
export function compositionOnly(container: Yaml): string[] {
  const values = (container.env ?? []).map((e: Yaml) => String(e.value ?? '')).join('\n');
  return (container.env ?? [])
    .map((e: Yaml) => e.name as string)
    .filter((name: string) => values.includes(`$(${name})`));
}
