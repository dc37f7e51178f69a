import type { Database } from '../db/database.js';
import { normaliseEmail } from './credentials.js';

/** Which SEED_PASSWORD was applied last to a seed user, as a bcrypt hash (never the password). */
export interface SeedRecord {
  applied(email: string): Promise<string | undefined>;
  record(email: string, passwordHash: string): Promise<void>;
}

export function createSeedRecord(db: Database): SeedRecord {
  return {
    async applied(email) {
      const rows = await db.query<{ password_hash: string }>(
        'SELECT password_hash FROM seed_passwords WHERE email = $1',
        [normaliseEmail(email)],
      );
      return rows[0]?.password_hash;
    },
    async record(email, passwordHash) {
      await db.query(
        `INSERT INTO seed_passwords (email, password_hash) VALUES ($1, $2)
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, applied_at = now()`,
        [normaliseEmail(email), passwordHash],
      );
    },
  };
}
