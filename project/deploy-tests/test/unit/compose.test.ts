import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { infrastructure, serviceNames } from '../support/addresses.js';
import { composeConfig, composeConfigText } from '../support/compose.js';
import { composeEnvironment, envExample, references } from '../support/env.js';
import { readText, readYaml, repoPath, repoRoot } from '../support/files.js';

describe('docker-compose.yml', () => {
  const compose = readYaml('docker-compose.yml');

  test('when docker-compose validates the file, then it accepts it', () => {
    const result = composeConfig('docker-compose.yml');
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
  });

  test('when listing services, then the six services, the five data stores and Jaeger are all there', () => {
    const expected = [...serviceNames, ...Object.keys(infrastructure)].sort();
    assert.deepEqual(Object.keys(compose.services).sort(), expected);
  });

  test('when a service is built, then it uses its own Dockerfile from the repository root context', () => {
    for (const name of serviceNames) {
      const build = compose.services[name].build;
      assert.ok(build, `${name} has no build section`);
      assert.equal(
        path.resolve(repoRoot, build.context),
        repoRoot,
        `${name}: build context must be the repository root`,
      );
      assert.equal(build.dockerfile, `${name}/Dockerfile`);
      assert.ok(existsSync(repoPath(name, 'Dockerfile')), `${name}/Dockerfile is missing`);
      assert.equal(compose.services[name].image, `\${REGISTRY:-local}/${name}:\${TAG:-latest}`);
    }
  });

  test('when any container runs, then it has a healthcheck', () => {
    for (const [name, service] of Object.entries<{ healthcheck?: { test?: unknown } }>(compose.services)) {
      assert.ok(service.healthcheck?.test, `${name} has no healthcheck`);
    }
  });

  test('when podman runs the healthchecks, then no CMD argument holds a space (its Docker API splits them)', () => {
    for (const [name, service] of Object.entries<{ healthcheck: { test: string[] } }>(compose.services)) {
      const [kind, ...args] = service.healthcheck.test;
      if (kind === 'CMD-SHELL') continue;
      assert.equal(kind, 'CMD', name);
      for (const arg of args)
        assert.doesNotMatch(arg, /\s/, `${name}: use CMD-SHELL for ${JSON.stringify(arg)}`);
    }
  });

  test('when compose starts our images, then it never tries to pull them (pull_policy: build)', () => {
    for (const name of serviceNames) assert.equal(compose.services[name].pull_policy, 'build', name);
  });

  test('when ports only services use are published, then only on 127.0.0.1, each on a configurable host port', () => {
    const internal: Record<string, number[]> = {
      'authentication-service': [8083],
      'mail-service': [8084],
      'logger-service': [5001, 50001],
      'listener-service': [8085],
      ...infrastructure,
    };
    for (const [name, service] of Object.entries<{ ports?: string[] }>(compose.services)) {
      for (const entry of service.ports ?? []) {
        const container = Number(entry.split(':').at(-1));
        assert.match(
          entry,
          /\$\{[A-Z_]+_HOST_PORT:-\d+\}:\d+$/,
          `${name}: host port of ${entry} must be a setting`,
        );
        if (internal[name]?.includes(container)) {
          assert.ok(entry.startsWith('127.0.0.1:'), `${name}: ${entry} must be bound to 127.0.0.1`);
        }
      }
    }
  });

  test('when MailHog runs, then its web UI and API (which read and release every mail) are published on 127.0.0.1 only', () => {
    const ui = (compose.services.mailhog.ports as string[]).filter((p) => p.endsWith(':8025'));
    assert.equal(ui.length, 1);
    assert.match(ui[0]!, /^127\.0\.0\.1:/);
    const resolved = composeConfigText('docker-compose.yml');
    assert.match(resolved, /127\.0\.0\.1:8025:8025/, 'docker-compose resolves it to 127.0.0.1:8025');
  });

  test('when compose starts without .env, then the administrator has no password written in the repository', () => {
    const auth = composeEnvironment(compose.services['authentication-service'].environment);
    assert.equal(auth.SEED_PASSWORD, '', 'empty: make up gives its own, a plain up a random one');
    assert.equal(envExample().SEED_PASSWORD, '');
  });

  test('when the page is opened as localhost or 127.0.0.1, then the broker allows both origins', () => {
    const origins = composeEnvironment(compose.services['broker-service'].environment).CORS_ORIGINS!.split(
      ',',
    );
    assert.ok(origins.includes('http://localhost:8081'));
    assert.ok(origins.includes('http://127.0.0.1:8081'));
  });

  test('when a service depends on another, then it waits for it to be healthy', () => {
    for (const [name, service] of Object.entries<{ depends_on?: unknown }>(compose.services)) {
      if (!service.depends_on) continue;
      assert.ok(!Array.isArray(service.depends_on), `${name}: depends_on must use conditions, not a list`);
      for (const [dep, spec] of Object.entries(
        service.depends_on as Record<string, { condition?: string }>,
      )) {
        assert.ok(compose.services[dep], `${name} depends on unknown service ${dep}`);
        assert.equal(spec.condition, 'service_healthy', `${name} -> ${dep}`);
      }
    }
  });

  test('when data stores keep data, then they use named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of ['postgres', 'mongo', 'rabbitmq']) {
      const volumes: string[] = compose.services[name].volumes ?? [];
      const named = volumes.map((v) => v.split(':')[0]!).filter((source) => declared.includes(source));
      assert.equal(named.length, 1, `${name} needs exactly one named volume`);
    }
  });
});

describe('.env.example', () => {
  const example = envExample();
  const composeText = readText('docker-compose.yml');
  const used = references(composeText);

  test('when compose reads a variable, then .env.example documents it with the same default', () => {
    for (const { name, fallback } of used) {
      assert.ok(name in example, `${name} is used in docker-compose.yml but missing from .env.example`);
      assert.equal(fallback, example[name], `${name}: compose default and .env.example disagree`);
    }
  });

  test('when .env.example sets a variable, then docker-compose.yml uses it', () => {
    const names = new Set(used.map((u) => u.name));
    for (const name of Object.keys(example)) {
      assert.ok(names.has(name), `${name} is in .env.example but docker-compose.yml never reads it`);
    }
  });

  test('when the swarm stack shares a variable with compose, then both default to the same value', () => {
    // Tracing is on by default in Compose and off in Swarm until the operator names an endpoint.
    const offInSwarm = new Set(['OTEL_EXPORTER_OTLP_ENDPOINT', 'TRACE_VIEW_URL']);
    for (const { name, fallback } of references(readText('project', 'swarm.yml'))) {
      if (name in example && !offInSwarm.has(name))
        assert.equal(fallback, example[name], `${name}: swarm default and .env.example disagree`);
    }
  });
});
