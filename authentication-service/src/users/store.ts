import type { AuthenticatedUser } from '@suite/proto/requests';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { normaliseEmail } from './credentials.js';

/** What the API may show about a user, as proto's `/authenticate` answer has it: never the password hash. */
export type PublicUser = AuthenticatedUser<Date>;

export interface StoredUser extends PublicUser {
  passwordHash: string;
}

export interface NewUser {
  email: string;
  firstName: string;
  lastName: string;
  passwordHash: string;
  active: boolean;
  admin: boolean;
}

export interface UserStore {
  findByEmail(email: string): Promise<StoredUser | undefined>;
  findById(id: number): Promise<PublicUser | undefined>;
  /** Undefined when a user with that email (in any letter case) already exists. */
  insert(user: NewUser): Promise<PublicUser | undefined>;
  setPasswordHash(email: string, passwordHash: string): Promise<boolean>;
  /** Replaces the hash only while it is still `current`, so a password changed meanwhile is kept. */
  replacePasswordHash(id: number, current: string, next: string): Promise<boolean>;
  /** False when no user has that email. */
  setAdmin(email: string, admin: boolean): Promise<boolean>;
  hasAdmin(): Promise<boolean>;
  list(): Promise<PublicUser[]>;
}

const PUBLIC_COLUMNS =
  'id, email, first_name, last_name, user_active AS active, is_admin AS admin, created_at, updated_at';

export function createUserStore(db: Database): UserStore {
  return {
    async findByEmail(email) {
      const rows = await db.query<PublicUser & { password: string }>(
        `SELECT ${PUBLIC_COLUMNS}, password FROM users WHERE lower(email) = $1`,
        [normaliseEmail(email)],
      );
      const row = rows[0];
      if (!row) return undefined;
      const { password, ...user } = row;
      return { ...user, passwordHash: password };
    },
    async findById(id) {
      const rows = await db.query<PublicUser>(`SELECT ${PUBLIC_COLUMNS} FROM users WHERE id = $1`, [id]);
      return rows[0];
    },
    async insert(user) {
      try {
        // ON CONFLICT keeps the insert idempotent, which makes the pool's retry-once safe.
        const rows = await db.query<PublicUser>(
          `INSERT INTO users (email, first_name, last_name, password, user_active, is_admin)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT ((lower(email))) DO NOTHING
           RETURNING ${PUBLIC_COLUMNS}`,
          [
            normaliseEmail(user.email),
            user.firstName,
            user.lastName,
            user.passwordHash,
            user.active,
            user.admin,
          ],
        );
        return rows[0];
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },
    async setPasswordHash(email, passwordHash) {
      const rows = await db.query(
        'UPDATE users SET password = $2, updated_at = now() WHERE lower(email) = $1 RETURNING id',
        [normaliseEmail(email), passwordHash],
      );
      return rows.length > 0;
    },
    async replacePasswordHash(id, current, next) {
      // updated_at stays: the password did not change, only how it is stored.
      const rows = await db.query(
        'UPDATE users SET password = $3 WHERE id = $1 AND password = $2 RETURNING id',
        [id, current, next],
      );
      return rows.length > 0;
    },
    async setAdmin(email, admin) {
      const rows = await db.query(
        'UPDATE users SET is_admin = $2, updated_at = now() WHERE lower(email) = $1 RETURNING id',
        [normaliseEmail(email), admin],
      );
      return rows.length > 0;
    },
    async hasAdmin() {
      const rows = await db.query('SELECT 1 FROM users WHERE is_admin LIMIT 1');
      return rows.length > 0;
    },
    list: () => db.query<PublicUser>(`SELECT ${PUBLIC_COLUMNS} FROM users ORDER BY id`),
  };
}
