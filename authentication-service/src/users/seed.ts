import type { Logger } from '@suite/toolbox';
import type { PasswordHasher } from './passwords.js';
import type { UserStore } from './store.js';

export interface SeedUser {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

/**
 * Inserts the seed user, as an administrator, only when its email is absent, so a password changed
 * later (CLI, another tool) is never overwritten by a restart. When no user holds the admin right
 * (a database from before that right existed), the seed user gets it, so an upgrade keeps its
 * administrator; a right revoked while another admin exists stays revoked.
 */
export async function seedUser(
  store: UserStore,
  passwords: PasswordHasher,
  seed: SeedUser,
  logger: Logger,
): Promise<boolean> {
  if (await store.findByEmail(seed.email)) {
    if (!(await store.hasAdmin()) && (await store.setAdmin(seed.email, true))) {
      logger.info({ email: seed.email }, 'no administrator found; granted the seed user the admin right');
    }
    return false;
  }
  const created = await store.insert({
    email: seed.email,
    firstName: seed.firstName,
    lastName: seed.lastName,
    passwordHash: await passwords.hash(seed.password),
    active: true,
    admin: true,
  });
  if (created) logger.info({ email: created.email }, 'seeded user');
  return created !== undefined;
}
