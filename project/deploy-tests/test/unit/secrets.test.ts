import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { envExample, references } from '../support/env.js';
import { k8sDir, k8sObjects, readText, readYaml, repoPath, type Yaml } from '../support/files.js';
import { byKind, mainContainer, operatorSecrets, podSpec } from '../support/k8s.js';
import { deployed, targets } from '../support/targets.js';

/** The logger's session secret: whatever a deployment file holds, anyone who reads the repository knows. */
describe('SESSION_SECRET has no usable value in any deployment file', () => {
  test('when compose starts without .env, then the secret is empty (the logger makes a random one)', () => {
    const value = readYaml('docker-compose.yml').services['logger-service'].environment.SESSION_SECRET;
    assert.equal(value, `\${SESSION_SECRET:-}`);
    assert.equal(envExample().SESSION_SECRET, '');
  });

  test('when the swarm stack is deployed, then the deploying shell must set it (no default)', () => {
    const value: string = readYaml('project', 'swarm.yml').services['logger-service'].environment
      .SESSION_SECRET;
    assert.match(value, /^\$\{SESSION_SECRET:\?[^}]+\}$/);
    const fallback = references(readText('project', 'swarm.yml')).find((r) => r.name === 'SESSION_SECRET');
    assert.equal(fallback, undefined, 'no SESSION_SECRET default anywhere in the stack');
  });

  test('when the Kubernetes base is read, then no object carries a SESSION_SECRET value', () => {
    for (const { file, object } of k8sObjects()) {
      const data = { ...object.data, ...object.stringData };
      assert.ok(!('SESSION_SECRET' in data), `${file}: ${object.kind} ${object.metadata?.name} holds it`);
    }
  });

  test('when DEPLOY.md explains the secret, then it says how to make one', () => {
    assert.match(readText('project', 'DEPLOY.md'), /openssl rand -hex 32/);
  });
});

/** A variable or key that holds a credential by its name. */
const CREDENTIAL_NAME = /SECRET|PASSWORD|TOKEN|KEY/;
/** scheme://user:password@ or scheme://token@, unless the password is a $(VAR) the kubelet fills in. */
const URL_WITH_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s/@]+@/gi;

/** Every password-like value in objects: where it is, for the failure message. */
function committedCredentials(objects: { file: string; object: Yaml }[]): string[] {
  const found: string[] = [];
  const visit = (value: unknown, where: string, key = '') => {
    if (typeof value === 'string') {
      if (CREDENTIAL_NAME.test(key) && value !== '') found.push(`${where}: ${key} has a value`);
      for (const [url] of value.matchAll(URL_WITH_CREDENTIALS)) {
        if (!/:\$\([A-Z_]+\)@$/.test(url)) found.push(`${where}: ${url}...`);
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${where}[${i}]`, key);
      return;
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      // An env entry { name, value }: the name says what the value is.
      if (typeof record.name === 'string' && 'value' in record) {
        visit(record.value, `${where} ${record.name}`, record.name);
        return;
      }
      for (const [k, v] of Object.entries(record)) visit(v, `${where}.${k}`, k);
    }
  };
  for (const { file, object } of objects) {
    visit(object, `${file} ${object.kind} ${object.metadata?.name}`);
  }
  return found;
}

describe('no deployment file holds a password', () => {
  test('when the Kubernetes base is read (its generated ConfigMaps included), then no Secret and no value holds a credential', () => {
    const objects = k8sObjects();
    assert.deepEqual(byKind(objects, 'Secret'), [], 'the base commits a Secret');
    assert.deepEqual(committedCredentials(objects), []);
  });

  test('when kubectl renders the base, then the result holds no Secret and no credential either', (t) => {
    const result = spawnSync('kubectl', ['kustomize', k8sDir], { encoding: 'utf8', timeout: 60_000 });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      t.skip('kubectl is not installed; the check on the files above still ran');
      return;
    }
    assert.equal(result.status, 0, result.stderr);
    const rendered = parseAllDocuments(result.stdout).map((doc) => ({
      file: 'rendered',
      object: doc.toJS(),
    }));
    assert.ok(rendered.some(({ object }) => object.kind === 'NetworkPolicy'));
    assert.deepEqual(byKind(rendered, 'Secret'), []);
    assert.deepEqual(committedCredentials(rendered), []);
  });

  test('when a workload reads a credential, then from a Secret the operator makes (DEPLOY.md), never one in the base', () => {
    const made = operatorSecrets();
    for (const { object } of [
      ...byKind(k8sObjects(), 'Deployment'),
      ...byKind(k8sObjects(), 'StatefulSet'),
    ]) {
      for (const container of podSpec(object).containers) {
        for (const entry of container.env ?? []) {
          const ref = entry.valueFrom?.secretKeyRef;
          if (!ref) continue;
          assert.ok(made.has(ref.name), `${object.metadata.name}: ${entry.name} reads Secret ${ref.name}`);
          assert.ok(
            ref.optional || made.get(ref.name)!.includes(ref.key),
            `${object.metadata.name}: DEPLOY.md does not create ${ref.name}/${ref.key}`,
          );
        }
      }
    }
  });

  test('when make k8s_up creates the Secrets, then with the same keys as DEPLOY.md, each a fresh random value', () => {
    const makefile = readText('Makefile');
    assert.deepEqual(
      [...operatorSecrets(makefile).entries()].sort(),
      [...operatorSecrets().entries()].sort(),
    );
    for (const [, value] of makefile.matchAll(/--from-literal=\w+=(\S+)/g)) {
      assert.match(value!, /^\$\$\(openssl$/, 'a value in the Makefile is not made by openssl rand');
    }
  });

  test("when the authentication-service starts with a deployment's settings, then it refuses the published administrator password", async () => {
    const { readConfig } = (await import(
      pathToFileURL(repoPath('authentication-service', 'src', 'config.ts')).href
    )) as { readConfig: (env: Record<string, string>) => unknown };
    const { PUBLISHED_PASSWORDS } = (await import(
      pathToFileURL(repoPath('authentication-service', 'src', 'users', 'public-credentials.ts')).href
    )) as { PUBLISHED_PASSWORDS: string[] };
    for (const target of targets) {
      const { environment } = deployed(target, 'authentication-service');
      assert.doesNotThrow(() => readConfig(environment), `${target} with an operator's password`);
      for (const password of PUBLISHED_PASSWORDS) {
        assert.throws(
          () => readConfig({ ...environment, SEED_PASSWORD: password }),
          /SEED_PASSWORD is a password published in this repository/,
          `${target} accepts ${password}`,
        );
      }
    }
  });

  test('when compose and the k8s base run the authentication-service, then no file gives SEED_PASSWORD a value', () => {
    assert.equal(
      readYaml('docker-compose.yml').services['authentication-service'].environment.SEED_PASSWORD,
      `\${SEED_PASSWORD:-}`,
    );
    const auth = byKind(k8sObjects(), 'Deployment').find(
      (d) => d.object.metadata.name === 'authentication-service',
    )!;
    const seed = mainContainer(auth.object).env.find((e: Yaml) => e.name === 'SEED_PASSWORD');
    assert.equal(seed.valueFrom.secretKeyRef.name, 'suite-credentials');
  });
});
