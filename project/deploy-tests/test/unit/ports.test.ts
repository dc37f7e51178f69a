import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { allPorts, infrastructure, peerAddresses, serviceNames, services } from '../support/addresses.js';
import { hostAndPort, interpolate } from '../support/env.js';
import { readYaml, repoPath } from '../support/files.js';
import { deployed, targets } from '../support/targets.js';

/** "127.0.0.1:${X:-8080}:8080" -> { host: 8080, container: 8080 } with committed defaults. */
function publishedPorts(ports: string[] = []) {
  return ports.map((entry) => {
    const parts = interpolate(String(entry)).split(':');
    return { host: Number(parts.at(-2)), container: Number(parts.at(-1)) };
  });
}

/** The variables a service reads: the keys of its configSchema. */
async function configKeys(name: string): Promise<Set<string>> {
  const module = await import(pathToFileURL(repoPath(name, 'src', 'config.ts')).href);
  return new Set(Object.keys(module.configSchema.shape));
}

describe('ports agree with the README', () => {
  const compose = readYaml('docker-compose.yml');

  test('when compose publishes a service, then host and container ports are the documented ports', () => {
    for (const name of serviceNames) {
      const published = publishedPorts(compose.services[name].ports);
      assert.deepEqual(
        published.map((p) => p.container).sort(),
        allPorts(name).sort(),
        `${name} container ports`,
      );
      for (const p of published)
        assert.equal(p.host, p.container, `${name}: host port differs from ${p.container}`);
    }
  });

  test('when compose publishes a data store, then it maps the standard ports by default', () => {
    for (const [name, ports] of Object.entries(infrastructure)) {
      const published = publishedPorts(compose.services[name].ports);
      assert.deepEqual(published.map((p) => p.container).sort(), [...ports].sort());
      for (const p of published) assert.equal(p.host, p.container, `${name}: default host port differs`);
    }
  });

  for (const target of targets) {
    test(`when ${target} starts a service, then PORT and the logger's RPC/gRPC ports are the documented ports`, () => {
      for (const name of serviceNames) {
        const { environment } = deployed(target, name);
        assert.equal(environment.PORT, String(services[name]!.http), `${target} ${name} PORT`);
      }
      const logger = deployed(target, 'logger-service').environment;
      assert.equal(logger.RPC_PORT, String(services['logger-service']!.extra.rpc));
      assert.equal(logger.GRPC_PORT, String(services['logger-service']!.extra.grpc));
    });

    test(`when ${target} wires peers, then every peer address a service reads names the right service and port`, async () => {
      for (const name of serviceNames) {
        const { environment } = deployed(target, name);
        const reads = await configKeys(name);
        for (const [variable, expected] of Object.entries(peerAddresses)) {
          if (!reads.has(variable)) continue;
          const value = environment[variable];
          assert.ok(
            value,
            `${target} leaves ${name}'s ${variable} unset (it would reach this container itself)`,
          );
          const actual = hostAndPort(value);
          const where = `${target} ${name} ${variable}=${value}`;
          assert.equal(actual.host, expected.host, where);
          if (variable === 'MAIL_HOST') {
            assert.equal(environment.MAIL_PORT, String(expected.port), `${target} ${name} MAIL_PORT`);
            continue;
          }
          assert.equal(actual.port, expected.port, where);
          if (expected.scheme) assert.equal(actual.scheme, expected.scheme, where);
        }
      }
    });
  }
});
