import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Check } from './report.js';

interface LockEntry {
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
type LockPackages = Record<string, LockEntry>;

/** Where Node finds `name` when required from the package at `from` (a lockfile location). */
function resolveFrom(packages: LockPackages, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/**
 * Every package location a workspace can load at run time, per the lockfile: its dependencies,
 * optional and peer dependencies, transitively (never devDependencies), links to workspaces included.
 */
export function runtimeClosure(packages: LockPackages, workspace: string): Set<string> {
  const seen = new Set<string>();
  const visit = (location: string) => {
    if (seen.has(location)) return;
    seen.add(location);
    const entry = packages[location]!;
    if (entry.link && entry.resolved) return visit(entry.resolved);
    const names = Object.keys({
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...entry.peerDependencies,
    });
    for (const name of names) {
      const found = resolveFrom(packages, location, name);
      if (found) visit(found);
    }
  };
  visit(workspace);
  // npm also links every workspace in the image into node_modules/@suite, the service's own included.
  for (const [location, entry] of Object.entries(packages)) {
    if (entry.link && entry.resolved && seen.has(entry.resolved)) seen.add(location);
  }
  return seen;
}

/** Package folders under /app's node_modules folders inside the image (symlinks listed, not followed). */
const LIST_PACKAGES = `
const fs = require('node:fs'), path = require('node:path');
const out = [];
const walk = (dir, rel) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@') && entry.isDirectory()) { walk(path.join(dir, entry.name), rel + entry.name + '/'); continue; }
    const location = rel + entry.name;
    out.push(location);
    const nested = path.join(dir, entry.name, 'node_modules');
    if (!entry.isSymbolicLink() && fs.existsSync(nested)) walk(nested, location + '/node_modules/');
  }
};
for (const top of ['', ...fs.readdirSync('/app')]) {
  const dir = path.join('/app', top, 'node_modules');
  if (fs.existsSync(dir) && !fs.lstatSync(path.join('/app', top)).isSymbolicLink()) walk(dir, (top ? top + '/' : '') + 'node_modules/');
}
console.log(out.join('\\n'));
`;

export function imagePackages(image: string): string[] {
  const output = execFileSync(
    'podman',
    ['run', '--rm', '--no-healthcheck', '--entrypoint', 'node', image, '-e', LIST_PACKAGES],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return output.split('\n').filter(Boolean);
}

/** One check per image: it holds no package its service's dist/ cannot load (no devDependency got in). */
export function imageContentChecks(lockFile: string, images: Record<string, string>): Check[] {
  const packages: LockPackages = JSON.parse(readFileSync(lockFile, 'utf8')).packages;
  return Object.entries(images).map(([service, image]) => ({
    name: `${image} holds only packages ${service} loads at run time`,
    async run() {
      const allowed = runtimeClosure(packages, service);
      const installed = imagePackages(image);
      if (installed.length === 0) throw new Error('no packages found in the image');
      const extra = installed.filter((location) => !allowed.has(location));
      if (extra.length > 0) {
        throw new Error(`${extra.length} not needed at run time: ${extra.slice(0, 12).join(', ')}`);
      }
    },
  }));
}
