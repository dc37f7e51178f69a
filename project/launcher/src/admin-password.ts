import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The seed administrator's password in the tests: published, so accepted only on loopback (BIND_HOST). */
export const TEST_ADMIN_PASSWORD = 'verysecret';

export interface AdminPassword {
  password: string;
  /** Where an operator finds it, as `make run` prints it. */
  source: string;
}

/**
 * `make run`'s administrator password: SEED_PASSWORD when the shell sets it, otherwise one made at the
 * first run and kept in `.data/admin-password` (owner-only), which `make up` reads too
 * (project/admin-password.sh). Nothing published in the repository ever guards the admin UI.
 */
export function localAdminPassword(repositoryRoot: string, source: NodeJS.ProcessEnv): AdminPassword {
  if (source.SEED_PASSWORD) return { password: source.SEED_PASSWORD, source: 'SEED_PASSWORD' };
  const file = path.join(repositoryRoot, '.data', 'admin-password');
  const relative = path.relative(repositoryRoot, file);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return { password: kept, source: relative };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, source: relative };
}
