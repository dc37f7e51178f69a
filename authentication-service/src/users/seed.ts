import { randomBytes } from 'node:crypto';
import type { Logger } from '@suite/toolbox';
import type { PasswordHasher } from './passwords.js';
import { DEMO_USER, PUBLISHED_PASSWORDS } from './public-credentials.js';
import type { SeedRecord } from './seed-record.js';
import type { UserStore } from './store.js';

export interface SeedUser {
  email: string;
  /** SEED_PASSWORD; undefined when it is not set. */
  password: string | undefined;
  firstName: string;
  lastName: string;
}

export interface SeedDeps {
  users: UserStore;
  passwords: PasswordHasher;
  record: SeedRecord;
  logger: Logger;
  /** BIND_HOST is a loopback address: a published password may stay on an administrator. */
  localDevelopment: boolean;
}

/** What the start-up did to the seed administrator. */
export type SeedOutcome = 'created' | 'password-applied' | 'password-replaced' | 'unchanged';

const randomPassword = () => randomBytes(24).toString('base64url');

/**
 * Makes sure the seed administrator exists, and that SEED_PASSWORD takes effect:
 * - absent: it is created with the admin right and SEED_PASSWORD (or, unset, a random password shown
 *   nowhere: the operator sets one with SEED_PASSWORD or the CLI's reset-password);
 * - present: a SEED_PASSWORD other than the one applied last replaces its password, while an unchanged
 *   one leaves alone a password set since with the CLI. When no user holds the admin right (a database
 *   from before that right existed) it gets it back; a right revoked while another admin exists stays
 *   revoked;
 * - outside local development, a published password left on it from an earlier version is replaced by a
 *   random one, since anyone could sign in with it.
 */
export async function seedAdmin(deps: SeedDeps, seed: SeedUser): Promise<SeedOutcome> {
  const { users, passwords, record, logger } = deps;
  const existing = await users.findByEmail(seed.email);
  if (!existing) {
    const hash = await passwords.hash(seed.password ?? randomPassword());
    const created = await users.insert({
      email: seed.email,
      firstName: seed.firstName,
      lastName: seed.lastName,
      passwordHash: hash,
      active: true,
      admin: true,
    });
    // Another replica starting at the same moment created it: that one applies the password.
    if (!created) return 'unchanged';
    if (seed.password !== undefined) {
      await record.record(seed.email, hash);
      logger.info({ email: created.email }, 'seeded the administrator with SEED_PASSWORD');
    } else {
      logger.warn(
        { email: created.email },
        'SEED_PASSWORD is not set: seeded the administrator with a random password that is shown nowhere; set SEED_PASSWORD and restart, or run the CLI reset-password',
      );
    }
    return 'created';
  }

  if (!(await users.hasAdmin()) && (await users.setAdmin(seed.email, true))) {
    logger.info({ email: seed.email }, 'no administrator found; granted the seed user the admin right');
  }

  if (seed.password !== undefined) {
    const applied = await record.applied(seed.email);
    if (applied && (await passwords.verify(seed.password, applied))) return 'unchanged';
    if (await passwords.verify(seed.password, existing.passwordHash)) {
      await record.record(seed.email, existing.passwordHash);
      return 'unchanged';
    }
    const hash = await passwords.hash(seed.password);
    await users.setPasswordHash(seed.email, hash);
    await record.record(seed.email, hash);
    logger.info({ email: seed.email }, 'SEED_PASSWORD changed: it is now the administrator password');
    return 'password-applied';
  }

  if (!deps.localDevelopment) {
    for (const published of PUBLISHED_PASSWORDS) {
      if (!(await passwords.verify(published, existing.passwordHash))) continue;
      await users.setPasswordHash(seed.email, await passwords.hash(randomPassword()));
      logger.warn(
        { email: seed.email },
        'the administrator had a password published in the repository: replaced it by a random one shown nowhere; set SEED_PASSWORD and restart, or run the CLI reset-password',
      );
      return 'password-replaced';
    }
  }
  return 'unchanged';
}

/**
 * Makes sure the page's demo user exists, without the admin right: its password is public. Created
 * once like the administrator; a right given to it anyway (the database edited by hand) is taken away.
 */
export async function seedDemoUser(deps: Pick<SeedDeps, 'users' | 'passwords' | 'logger'>): Promise<void> {
  const { users, passwords, logger } = deps;
  const existing = await users.findByEmail(DEMO_USER.email);
  if (!existing) {
    const created = await users.insert({
      email: DEMO_USER.email,
      firstName: DEMO_USER.firstName,
      lastName: DEMO_USER.lastName,
      passwordHash: await passwords.hash(DEMO_USER.password),
      active: true,
      admin: false,
    });
    if (created) logger.info({ email: created.email }, 'seeded the demo user');
    return;
  }
  if (existing.admin) {
    await users.setAdmin(DEMO_USER.email, false);
    logger.warn(
      { email: DEMO_USER.email },
      'took the admin right from the demo user: its password is published on the test page',
    );
  }
}
