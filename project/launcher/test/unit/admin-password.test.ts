import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { localAdminPassword } from '../../src/admin-password.js';

describe("make run's administrator password", () => {
  const root = mkdtempSync(path.join(tmpdir(), 'admin-password-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('when SEED_PASSWORD is not set, then one is made once, kept owner-only in .data, and reused', () => {
    const first = localAdminPassword(root, {});
    assert.equal(first.source, path.join('.data', 'admin-password'));
    assert.ok(first.password.length >= 20, first.password);
    assert.notEqual(first.password, 'verysecret');
    const file = path.join(root, '.data', 'admin-password');
    assert.equal(readFileSync(file, 'utf8').trim(), first.password);
    assert.equal(statSync(file).mode & 0o077, 0, 'readable by others');
    assert.deepEqual(localAdminPassword(root, {}), first);
  });

  test('when SEED_PASSWORD is set, then it wins and the file is not consulted', () => {
    assert.deepEqual(localAdminPassword(root, { SEED_PASSWORD: 'from-the-shell-123' }), {
      password: 'from-the-shell-123',
      source: 'SEED_PASSWORD',
    });
  });
});
