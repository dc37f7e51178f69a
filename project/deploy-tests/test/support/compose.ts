import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './files.js';

/**
 * Runs `docker-compose config -q`, which needs no Docker engine; a missing binary is a failure, not a skip.
 * `shell` stands for the deploying shell's variables (added to this process's environment).
 */
export function composeConfig(file: string, shell: Record<string, string> = {}) {
  const result = spawnSync('docker-compose', ['-f', file, 'config', '-q'], {
    cwd: repoRoot,
    env: { ...process.env, ...shell },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    assert.fail(
      'docker-compose is not installed: install it (apt-get install -y docker-compose) to validate',
    );
  }
  if (result.error) throw result.error;
  return result;
}

/** The file as `docker-compose config` resolves it (defaults filled in), for checks on the result. */
export function composeConfigText(file: string, shell: Record<string, string> = {}): string {
  const result = spawnSync('docker-compose', ['-f', file, 'config'], {
    cwd: repoRoot,
    env: { ...process.env, ...shell },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}
