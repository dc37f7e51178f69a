import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { infrastructure, serviceNames, services } from '../support/addresses.js';
import { composeConfig } from '../support/compose.js';
import { interpolate, requiredFromShell } from '../support/env.js';
import { readText, readYaml, repoPath, repoRoot } from '../support/files.js';
import { operatorValue } from '../support/targets.js';

describe('project/swarm.yml', () => {
  const stack = readYaml('project', 'swarm.yml');
  const stackText = readText('project', 'swarm.yml');

  test('when docker-compose validates the stack file with the required variables set, then it accepts it', () => {
    const shell = Object.fromEntries(requiredFromShell(stackText).map((key) => [key, operatorValue()]));
    const result = composeConfig('project/swarm.yml', shell);
    assert.equal(result.status, 0, `docker-compose config failed:\n${result.stderr}`);
  });

  test('when SESSION_SECRET is not set, then the stack refuses to deploy (no committed default signs sessions)', () => {
    assert.ok(requiredFromShell(stackText).includes('SESSION_SECRET'));
    const { SESSION_SECRET: _, ...shell } = process.env;
    const result = spawnSync('docker-compose', ['-f', 'project/swarm.yml', 'config', '-q'], {
      cwd: repoRoot,
      env: shell,
      encoding: 'utf8',
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /SESSION_SECRET/);
  });

  test('when listing services, then Caddy, the six services and the four data stores are there', () => {
    const expected = ['caddy', ...serviceNames, ...Object.keys(infrastructure)].sort();
    assert.deepEqual(Object.keys(stack.services).sort(), expected);
  });

  test('when deploying, then each service runs a named image and nothing is built', () => {
    for (const name of serviceNames) {
      const service = stack.services[name];
      assert.equal(service.image, `\${REGISTRY:-local}/${name}:\${TAG:-latest}`);
      assert.equal(service.build, undefined, `${name}: docker stack deploy ignores build`);
    }
  });

  test('when the listener is deployed, then two replicas share the queue', () => {
    assert.equal(stack.services['listener-service'].deploy.replicas, 2);
  });

  test('when services talk, then they share one overlay network', () => {
    const [network, ...others] = Object.keys(stack.networks);
    assert.equal(others.length, 0);
    assert.equal(stack.networks[network!].driver, 'overlay');
    for (const [name, service] of Object.entries<{ networks?: string[] }>(stack.services)) {
      assert.deepEqual(service.networks, [network], `${name} is not on the ${network} network`);
    }
  });

  test('when Caddy starts, then it reads project/Caddyfile and publishes HTTP', () => {
    const caddy = stack.services.caddy;
    const config = caddy.configs.find((c: { target: string }) => c.target === '/etc/caddy/Caddyfile');
    assert.ok(config, 'Caddy must mount a Caddyfile config');
    const file = stack.configs[config.source].file;
    assert.equal(path.resolve(repoPath('project'), file), repoPath('project', 'Caddyfile'));
    assert.ok(existsSync(repoPath('project', 'Caddyfile')));
    assert.ok(
      caddy.ports.some((p: string) => String(p).endsWith(':80')),
      'Caddy must publish port 80',
    );
  });

  test('when Caddy proxies, then it targets the front-end, the broker and the logger admin UI on their documented ports', () => {
    const caddyfile = readText('project', 'Caddyfile');
    const upstreams = [...caddyfile.matchAll(/reverse_proxy\s+(?:https?:\/\/)?([\w-]+):(\d+)/g)].map((m) => ({
      host: m[1]!,
      port: Number(m[2]),
    }));
    assert.deepEqual(upstreams.map((u) => u.host).sort(), ['broker-service', 'front-end', 'logger-service']);
    for (const { host, port } of upstreams) {
      assert.ok(stack.services[host], `Caddy proxies to ${host}, which the stack does not define`);
      assert.equal(port, services[host]!.http, `Caddy reaches ${host} on the wrong port`);
    }
  });

  test('when the page calls the broker, then BROKER_URL goes through the path Caddy routes to the broker', () => {
    const brokerUrl = new URL(interpolate(stack.services['front-end'].environment.BROKER_URL));
    const caddyfile = readText('project', 'Caddyfile');
    assert.match(caddyfile, new RegExp(`path ${brokerUrl.pathname} ${brokerUrl.pathname}/\\*`));
    const origins = interpolate(stack.services['broker-service'].environment.CORS_ORIGINS);
    assert.ok(origins.split(',').includes(brokerUrl.origin), 'the broker must accept the page origin');
  });
});
