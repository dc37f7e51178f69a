import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { allPorts, serviceNames, services } from '../support/addresses.js';
import { argsOf, envOf, readDockerfile } from '../support/dockerfile.js';
import { readText, repoPath, workspaceDependencies, workspaces } from '../support/files.js';

// The current Node LTS line, pinned to one release: the same Node CI runs `make test` on (.ci/run).
const RUNTIME_BASE = 'node:24.22.3-bookworm-slim';
// The heap setting `make run` gives every service too (project/launcher, SERVICE_NODE_OPTIONS).
const HEAP_SETTING = '--max-old-space-size-percentage=50 --max-semi-space-size=16';

describe('Dockerfiles', () => {
  test('when listing services, then each has a Dockerfile', () => {
    const missing = serviceNames.filter((name) => !existsSync(repoPath(name, 'Dockerfile')));
    assert.deepEqual(missing, []);
  });

  test('when the heap setting changes, then the launcher and the images change together', () => {
    const launcher = readText('project/launcher/src/services.ts');
    assert.ok(
      launcher.includes(`SERVICE_NODE_OPTIONS = '${HEAP_SETTING}'`),
      `project/launcher/src/services.ts must set SERVICE_NODE_OPTIONS to ${HEAP_SETTING}`,
    );
  });

  for (const name of serviceNames) {
    describe(name, () => {
      const stages = readDockerfile(name);
      const runtime = stages.at(-1)!;
      const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
      const deps = workspaceDependencies(name);

      test('when built, then every stage starts from the pinned slim Node image or an earlier stage', () => {
        assert.ok(stages.length >= 2, 'expected a multi-stage build');
        for (const stage of stages) {
          assert.ok(
            stage.from === RUNTIME_BASE || stageNames.has(stage.from),
            `unexpected base ${stage.from}`,
          );
        }
        assert.equal(runtime.from, RUNTIME_BASE, 'the runtime stage must start from the slim image itself');
      });

      test('when npm ci runs, then every workspace manifest and the lockfile were copied before it', () => {
        const first = stages[0]!;
        const copies = argsOf(first, 'COPY');
        assert.ok(
          copies.some((c) => c.includes('package-lock.json')),
          'package-lock.json must be copied first',
        );
        for (const ws of workspaces()) {
          assert.ok(copies.includes(`${ws}/package.json ${ws}/`), `missing COPY ${ws}/package.json ${ws}/`);
        }
        assert.ok(!argsOf(first, 'RUN').length, 'the manifest stage should only copy files');
      });

      test('when compiling, then the sources of the service and its workspace dependencies are present', () => {
        const build = stages.find((s) => argsOf(s, 'RUN').some((r) => r.includes('tsc -b')));
        assert.ok(build, 'no stage runs tsc -b');
        assert.ok(argsOf(build, 'RUN').some((r) => /npm ci\b/.test(r) && !r.includes('--omit=dev')));
        assert.ok(argsOf(build, 'RUN').some((r) => r.includes(`tsc -b ${name}`)));
        for (const dir of [...deps, name]) {
          assert.ok(
            argsOf(build, 'COPY').includes(`${dir}/ ${dir}/`),
            `build stage must COPY ${dir}/ ${dir}/`,
          );
        }
      });

      test('when installing for production, then dev dependencies are left out and every workspace dep is included', () => {
        const install = stages
          .flatMap((s) => argsOf(s, 'RUN'))
          .find((r) => r.includes('npm ci') && r.includes('--omit=dev'));
        assert.ok(install, 'no production npm ci (--omit=dev)');
        for (const dir of [...deps, name]) {
          assert.match(
            install,
            new RegExp(`--workspace ${dir}(\\s|$)`),
            `production install must include ${dir}`,
          );
        }
      });

      test('when the image runs, then it is unprivileged, exposes the documented ports and starts node directly', () => {
        assert.deepEqual(argsOf(runtime, 'USER'), ['node']);
        const exposed = argsOf(runtime, 'EXPOSE')
          .flatMap((a) => a.split(/\s+/))
          .map(Number)
          .sort((a, b) => a - b);
        assert.deepEqual(
          exposed,
          allPorts(name).sort((a, b) => a - b),
        );
        assert.equal(envOf(runtime).PORT, String(services[name]!.http));
        const [cmd] = argsOf(runtime, 'CMD');
        assert.ok(cmd, 'no CMD');
        assert.deepEqual(
          JSON.parse(cmd),
          ['node', '--import', '@suite/toolbox/tracing', 'dist/main.js'],
          'CMD must be exec form, with the tracing bootstrap loaded first',
        );
        assert.equal(envOf(runtime).OTEL_SERVICE_NAME, name);
      });

      test('when the container runs, then Node has the heap setting the launcher gives the service natively, sized by the container and never a fixed cap', () => {
        const options = envOf(runtime).NODE_OPTIONS;
        assert.equal(options, HEAP_SETTING);
        assert.match(options ?? '', /--max-old-space-size-percentage=\d+/);
        assert.doesNotMatch(options ?? '', /--max-old-space-size=/);
      });

      test('when Docker checks health, then it probes /ping with node (the slim image has no curl)', () => {
        const [healthcheck] = argsOf(runtime, 'HEALTHCHECK');
        assert.ok(healthcheck, 'no HEALTHCHECK');
        const exec = healthcheck.slice(healthcheck.indexOf('CMD ') + 4);
        const argv = JSON.parse(exec);
        assert.equal(argv[0], 'node');
        assert.match(argv.join(' '), /\/ping/);
      });

      test('when reading ENV and ARG, then no secret is baked into the image', () => {
        for (const stage of stages) {
          for (const args of [...argsOf(stage, 'ENV'), ...argsOf(stage, 'ARG')]) {
            assert.doesNotMatch(args, /PASSWORD|SECRET|TOKEN|API_KEY|_URL=\w+:\/\/[^/\s]*:[^/\s]*@/i, args);
          }
        }
      });
    });
  }
});

describe('.dockerignore', () => {
  const lines = readText('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  test('when sending the build context, then dependencies, build output, git data and test output stay out', () => {
    for (const pattern of ['**/node_modules', '**/dist', '.git', '**/test-output', '.env']) {
      assert.ok(lines.includes(pattern), `.dockerignore must contain ${pattern}`);
    }
  });

  test('when an exception is listed, then it names one path literally (the classic builder ignores wildcard ones)', () => {
    for (const line of lines.filter((l) => l.startsWith('!'))) {
      assert.doesNotMatch(line, /[*?[]/, `${line}: list each path instead`);
    }
  });

  test('when a dev-only workspace is ignored, then its package.json is still sent for npm ci', () => {
    for (const line of lines.filter((l) => l.endsWith('/**'))) {
      const dir = line.slice(0, -3);
      for (const ws of workspaces().filter((w) => w === dir || w.startsWith(`${dir}/`))) {
        const keeps = lines.some(
          (l) => l.startsWith('!') && new RegExp(`^${globToRegExp(l.slice(1))}$`).test(`${ws}/package.json`),
        );
        assert.ok(keeps, `${line} hides ${ws}/package.json; add an exception`);
      }
    }
  });
});

function globToRegExp(glob: string): string {
  return glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '.+')
    .replace(/\*/g, '[^/]+');
}
