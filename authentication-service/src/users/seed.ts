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
 * Inserts the seed user only when its email is absent, so a password changed later (CLI, another
 * tool) is never overwritten by a restart.
 */
export async function seedUser(
  store: UserStore,
  passwords: PasswordHasher,
  seed: SeedUser,
  logger: Logger,
): Promise<boolean> {
  if (await store.findByEmail(seed.email)) return false;
  const created = await store.insert({
    email: seed.email,
    firstName: seed.firstName,
    lastName: seed.lastName,
    passwordHash: await passwords.hash(seed.password),
    active: true,
  });
  if (created) logger.info({ email: created.email }, 'seeded user');
  return created !== undefined;
}
