import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a mismatch and for a stored value that is not a bcrypt hash at all. */
  verify(password: string, hash: string): Promise<boolean>;
  /** Costs as much as verifying a real user, so an unknown email answers as slowly as a wrong password. */
  verifyAgainstNobody(password: string): Promise<false>;
}

export async function createPasswordHasher(cost: number): Promise<PasswordHasher> {
  const dummyHash = await bcrypt.hash(randomBytes(16).toString('hex'), cost);
  const verify = async (password: string, hash: string) => {
    try {
      // bcrypt verifies $2a$, $2b$ and $2y$ hashes of any cost, so hashes made elsewhere keep working.
      return await bcrypt.compare(password, hash);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => bcrypt.hash(password, cost),
    verify,
    verifyAgainstNobody: async (password) => {
      await verify(password, dummyHash);
      return false;
    },
  };
}
