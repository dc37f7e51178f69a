import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '@suite/toolbox';
import { sessionSecretOrRandom } from '../../src/admin/secrets.js';

test('when SESSION_SECRET is unset, then each process gets its own random secret and one warning line', () => {
  const warnings: unknown[] = [];
  const logger = { warn: (message: unknown) => warnings.push(message) } as unknown as Logger;
  const first = sessionSecretOrRandom(undefined, logger);
  const second = sessionSecretOrRandom(undefined, logger);
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.notEqual(first, second);
  assert.equal(warnings.length, 2, 'one warning per start');
  assert.match(String(warnings[0]), /SESSION_SECRET is not set/);

  const configured = 'x'.repeat(40);
  assert.equal(sessionSecretOrRandom(configured, logger), configured);
  assert.equal(warnings.length, 2, 'a configured secret is not warned about');
});
