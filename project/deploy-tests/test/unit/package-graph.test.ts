import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readText } from '../support/files.js';

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const ours = (deps: Record<string, string> | undefined) =>
  Object.keys(deps ?? {})
    .filter((name) => name.startsWith('@suite/'))
    .sort();

const workspaces = (JSON.parse(readText('package.json')) as Manifest).workspaces ?? [];
const packages = workspaces.map((dir) => {
  const manifest = JSON.parse(readText(dir, 'package.json')) as Manifest;
  return {
    dir,
    name: manifest.name,
    runtime: ours(manifest.dependencies),
    dev: ours(manifest.devDependencies),
  };
});

/** The table under "## Package graph" in the root README: package | run time | tests and tools. */
function readmeGraph(): Map<string, { runtime: string[]; dev: string[] }> {
  const readme = readText('README.md');
  const start = readme.indexOf('\n## Package graph');
  assert.ok(start >= 0, 'the root README has no "## Package graph" section');
  const section = readme.slice(start + 1).split(/\n## /)[0]!;
  const cells = (text: string) => [...text.matchAll(/`(@suite\/[a-z-]+)`/g)].map((m) => m[1]!).sort();
  const rows = new Map<string, { runtime: string[]; dev: string[] }>();
  for (const line of section.split('\n')) {
    const columns = line.split('|').map((c) => c.trim());
    if (columns.length < 5 || !columns[1]?.startsWith('`@suite/')) continue;
    rows.set(columns[1].replaceAll('`', ''), { runtime: cells(columns[2]!), dev: cells(columns[3]!) });
  }
  return rows;
}

const SERVICES = [
  'authentication-service',
  'logger-service',
  'mail-service',
  'listener-service',
  'broker-service',
  'front-end',
];

describe('the package graph', () => {
  test('when the root README shows the package graph, then it matches every package.json', () => {
    const expected = packages
      .map(
        (p) =>
          `| \`${p.name}\` | ${p.runtime.map((d) => `\`${d}\``).join(', ')} | ${p.dev.map((d) => `\`${d}\``).join(', ')} |`,
      )
      .join('\n');
    const documented = readmeGraph();
    for (const p of packages) {
      assert.deepEqual(
        documented.get(p.name),
        { runtime: p.runtime, dev: p.dev },
        `README row for ${p.name} differs from ${p.dir}/package.json; the rows should read:\n${expected}`,
      );
    }
    assert.equal(
      documented.size,
      packages.length,
      `the README lists packages that do not exist:\n${expected}`,
    );
  });

  test('when proto is installed, then it depends on nothing of ours', () => {
    const proto = packages.find((p) => p.name === '@suite/proto');
    assert.deepEqual(proto?.runtime, []);
  });

  test('when a service runs, then it loads no package under project/ (stand-ins, launcher, test kit)', () => {
    const projectPackages = new Set(packages.filter((p) => p.dir.startsWith('project/')).map((p) => p.name));
    for (const p of packages.filter(
      (p) => SERVICES.includes(p.dir) || ['toolbox', 'proto'].includes(p.dir),
    )) {
      const leaked = p.runtime.filter((d) => projectPackages.has(d));
      assert.deepEqual(leaked, [], `${p.dir} depends at run time on ${leaked.join(', ')}`);
    }
  });
});
