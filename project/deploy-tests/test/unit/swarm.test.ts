import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { infrastructure, serviceNames, services } from '../support/addresses.js';
import { parseCaddyfile, route } from '../support/caddy.js';
import { composeConfig } from '../support/compose.js';
import { composeEnvironment, interpolate, references, requiredFromShell } from '../support/env.js';
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
    const others = Object.fromEntries(
      requiredFromShell(stackText)
        .filter((key) => key !== 'SESSION_SECRET')
        .map((key) => [key, operatorValue()]),
    );
    const { SESSION_SECRET: _, ...shell } = process.env;
    const result = spawnSync('docker-compose', ['-f', 'project/swarm.yml', 'config', '-q'], {
      cwd: repoRoot,
      env: { ...shell, ...others },
      encoding: 'utf8',
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /SESSION_SECRET/);
  });

  test('when a credential is not set, then the stack refuses to deploy: no password has a default', () => {
    const credentials = [
      'SEED_PASSWORD',
      'POSTGRES_PASSWORD',
      'AUTH_DB_PASSWORD',
      'MONGO_ROOT_PASSWORD',
      'LOGGER_MONGO_PASSWORD',
      'RABBITMQ_PASSWORD',
      'REDIS_PASSWORD',
      'SESSION_SECRET',
    ];
    assert.deepEqual(
      requiredFromShell(stackText)
        .filter((key) => credentials.includes(key))
        .sort(),
      [...credentials].sort(),
    );
    // Every other reference to a credential may only default to nothing (SMTP without authentication).
    for (const { name, fallback } of references(stackText)) {
      if (/SECRET|PASSWORD|TOKEN|KEY/.test(name)) assert.equal(fallback, '', `${name} defaults to a value`);
    }
    for (const key of credentials) {
      const shell = Object.fromEntries(credentials.filter((k) => k !== key).map((k) => [k, operatorValue()]));
      assert.throws(() => interpolate(stackText, shell), new RegExp(`${key} is required`));
    }
  });

  test("when a required variable's message is read by docker's own stack deploy, then it holds no '-' or ':' it would take for an operator", () => {
    // Seen with Docker 20.10: `${SESSION_SECRET:?e.g. openssl rand -hex 32}` deployed SESSION_SECRET=hex 32,
    // and every password as the text after the message's "-", whatever the shell had set.
    const required = [...stackText.matchAll(/\$\{([A-Z_]+):\?([^}]*)\}/g)];
    assert.ok(required.length > 0);
    for (const [whole, , message] of required) assert.doesNotMatch(message!, /[-:]/, whole);
  });

  test('when the services reach the data stores, then as their own users, never as a superuser', () => {
    const shell = Object.fromEntries(requiredFromShell(stackText).map((key) => [key, operatorValue()]));
    const env = (service: string) => composeEnvironment(stack.services[service].environment, shell);
    const database = new URL(env('authentication-service').DATABASE_URL!);
    assert.equal(database.username, env('postgres').AUTH_DB_USER);
    assert.notEqual(database.username, env('postgres').POSTGRES_USER);
    assert.equal(decodeURIComponent(database.password), env('postgres').AUTH_DB_PASSWORD);
    assert.equal(database.pathname, `/${env('postgres').AUTH_DB_NAME}`);
    const mongo = new URL(env('logger-service').MONGO_URL!);
    assert.equal(mongo.username, env('mongo').LOGGER_MONGO_USER);
    assert.notEqual(mongo.username, env('mongo').MONGO_INITDB_ROOT_USERNAME);
    assert.equal(mongo.searchParams.get('authSource'), null, 'the user lives in the logs database');
    // The init scripts that make those users are mounted where the images run them on a new volume.
    for (const [service, file] of [
      ['postgres', 'k8s/initdb/postgres-auth-role.sh'],
      ['mongo', 'k8s/initdb/mongo-logger-user.js'],
    ] as const) {
      const mounted = stack.services[service].configs.find((c: { target: string }) =>
        c.target.startsWith('/docker-entrypoint-initdb.d/'),
      );
      assert.ok(mounted, `${service} mounts no init script`);
      assert.equal(
        path.resolve(repoPath('project'), stack.configs[mounted.source].file),
        repoPath('project', file),
      );
    }
  });

  test('when MailHog runs, then its web UI and API are not published (DEPLOY.md says how to open them)', () => {
    assert.equal(stack.services.mailhog.ports, undefined);
    assert.match(readText('project', 'DEPLOY.md'), /mailhog:8025/);
  });

  test('when listing services, then Caddy, the six services, the five data stores and Jaeger are there', () => {
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

  test('when the stack runs, then every service but the page runs two replicas, sharing the limits in Redis', () => {
    for (const name of [
      'broker-service',
      'authentication-service',
      'logger-service',
      'listener-service',
      'mail-service',
    ]) {
      assert.equal(stack.services[name].deploy.replicas, 2, name);
    }
    for (const name of ['broker-service', 'authentication-service']) {
      assert.match(stack.services[name].environment.REDIS_URL, /@redis:6379$/, name);
    }
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
    const published = caddy.ports
      .map((p: { published: number }) => p.published)
      .sort((a: number, b: number) => a - b);
    assert.deepEqual(published, [80, 443, 8082]);
  });

  test("when Caddy publishes its ports, then in host mode, so it sees each caller's address (not the mesh's)", () => {
    for (const port of stack.services.caddy.ports) {
      assert.equal(typeof port, 'object', `${port}: the short syntax publishes through the routing mesh`);
      assert.equal(port.mode, 'host', `port ${port.published}`);
      assert.equal(port.published, port.target);
    }
    // One Caddy on a known node: two on one node would collide on the host ports.
    assert.equal(stack.services.caddy.deploy.replicas, 1);
    assert.match(readText('project', 'DEPLOY.md'), /mode: host/);
  });

  test('when Caddy proxies, then it targets the front-end, the broker and the logger admin UI on their documented ports', () => {
    const upstreams = parseCaddyfile(readText('project', 'Caddyfile'))
      .flatMap((site) => site.handles.map((h) => h.upstream))
      .filter((upstream): upstream is string => upstream !== undefined)
      .map((upstream) => ({ host: upstream.split(':')[0]!, port: Number(upstream.split(':')[1]) }));
    assert.deepEqual(upstreams.map((u) => u.host).sort(), ['broker-service', 'front-end', 'logger-service']);
    for (const { host, port } of upstreams) {
      assert.ok(stack.services[host], `Caddy proxies to ${host}, which the stack does not define`);
      assert.equal(port, services[host]!.http, `Caddy reaches ${host} on the wrong port`);
    }
  });

  test('when the page calls the broker, then each path it uses goes through Caddy to the broker', () => {
    const brokerUrl = new URL(interpolate(stack.services['front-end'].environment.BROKER_URL));
    const [site] = parseCaddyfile(readText('project', 'Caddyfile'));
    // The page's buttons: POST /, /handle and /log-grpc (front-end/public/app.js).
    for (const path of ['/', '/handle', '/log-grpc']) {
      assert.deepEqual(route(site!, `${brokerUrl.pathname}${path}`), {
        upstream: 'broker-service:8080',
        path,
      });
    }
    assert.equal(route(site!, '/')?.upstream, 'front-end:8081');
    assert.equal(route(site!, '/static/app.js')?.upstream, 'front-end:8081');
    const origins = interpolate(stack.services['broker-service'].environment.CORS_ORIGINS);
    assert.ok(origins.split(',').includes(brokerUrl.origin), 'the broker must accept the page origin');
  });

  test('when /metrics or another internal path is asked through Caddy, then no service answers it', () => {
    const sites = parseCaddyfile(readText('project', 'Caddyfile'));
    assert.equal(sites.length, 2);
    const internal = ['/metrics', '/readyz', '/health/dependencies', '/log', '/api/log'];
    for (const site of sites) {
      for (const path of [...internal, ...internal.map((p) => `/api${p}`)]) {
        assert.equal(route(site, path), undefined, `${site.address} routes ${path}`);
      }
    }
    const admin = sites[1]!;
    assert.equal(route(admin, '/login')?.upstream, 'logger-service:8082');
    assert.equal(route(admin, '/admin/dashboard')?.upstream, 'logger-service:8082');
  });
});
