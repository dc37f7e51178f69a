import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envExample, references } from '../support/env.js';
import { k8sObjects, readText, readYaml } from '../support/files.js';

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
