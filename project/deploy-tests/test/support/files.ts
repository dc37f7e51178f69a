import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export const repoPath = (...parts: string[]) => path.join(repoRoot, ...parts);

export const readText = (...parts: string[]) => readFileSync(repoPath(...parts), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field by the tests
export type Yaml = any;

export const readYaml = (...parts: string[]): Yaml => parseYaml(readText(...parts), { merge: true });

export const readYamlDocuments = (...parts: string[]): Yaml[] =>
  parseAllDocuments(readText(...parts), { merge: true })
    .map((doc) => doc.toJS())
    .filter((doc) => doc !== null && doc !== undefined);

export const k8sDir = repoPath('project', 'k8s');

export const k8sFiles = (): string[] =>
  readdirSync(k8sDir)
    .filter((f) => /\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f))
    .sort();

export interface K8sObject {
  file: string;
  object: Yaml;
}

/**
 * The base as kustomize renders it, without a cluster: every object of the listed files, and the
 * ConfigMaps its configMapGenerator makes from files (named as written; kustomize adds a hash suffix
 * and rewrites the references to match).
 */
export const k8sObjects = (): K8sObject[] => [
  ...k8sFiles().flatMap((file) =>
    readYamlDocuments('project', 'k8s', file).map((object) => ({ file, object })),
  ),
  ...generatedConfigMaps(),
];

function generatedConfigMaps(): K8sObject[] {
  const kustomization = readYaml('project', 'k8s', 'kustomization.yaml');
  return (kustomization.configMapGenerator ?? []).map((generator: { name: string; files?: string[] }) => {
    const data: Record<string, string> = {};
    for (const entry of generator.files ?? []) {
      const [key, file] = entry.includes('=') ? entry.split('=', 2) : [path.basename(entry), entry];
      data[key!] = readText('project', 'k8s', file!);
    }
    return {
      file: 'kustomization.yaml',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data },
    };
  });
}

export const workspaces = (): string[] => JSON.parse(readText('package.json')).workspaces;

/** The workspace directories a package needs at run time (its @suite/* dependencies, transitively). */
export function workspaceDependencies(dir: string): string[] {
  const byName = new Map<string, string>();
  for (const ws of workspaces()) byName.set(JSON.parse(readText(ws, 'package.json')).name, ws);
  const found = new Set<string>();
  const visit = (current: string) => {
    const manifest = JSON.parse(readText(current, 'package.json'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const ws = byName.get(dep);
      if (ws && !found.has(ws)) {
        found.add(ws);
        visit(ws);
      }
    }
  };
  visit(dir);
  return [...found].sort();
}
