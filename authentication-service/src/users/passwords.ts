import { randomBytes } from 'node:crypto';
import { withSpan } from '@suite/toolbox';
import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a mismatch and for a stored value that is not a bcrypt hash at all. */
  verify(password: string, hash: string): Promise<boolean>;
  /** Costs as much as verifying a real user, so an unknown email answers as slowly as a wrong password. */
  verifyAgainstNobody(password: string): Promise<false>;
  /**
   * True when a stored hash differs from what `hash` makes now (another cost or variant): checking it
   * takes another time than the dummy comparison, which would tell that the account exists.
   */
  needsRehash(hash: string): boolean;
}

/** The variant the bcrypt package writes. */
const VARIANT = '2b';

export async function createPasswordHasher(cost: number): Promise<PasswordHasher> {
  // Made by hash() itself, so it has the configured cost and variant.
  const dummyHash = await bcrypt.hash(randomBytes(16).toString('hex'), cost);
  const verify = async (password: string, hash: string) => {
    try {
      // The bcrypt package verifies $2a$ and $2b$ hashes of any cost but answers false for PHP's $2y$,
      // which is the same algorithm as $2b$ under another name; renaming it keeps PHP-made hashes working.
      return await withSpan('bcrypt compare', { attributes: { 'bcrypt.cost': cost } }, () =>
        bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$')),
      );
    } catch {
      return false;
    }
  };
  return {
    hash: (password) =>
      withSpan('bcrypt hash', { attributes: { 'bcrypt.cost': cost } }, () => bcrypt.hash(password, cost)),
    verify,
    verifyAgainstNobody: async (password) => {
      await verify(password, dummyHash);
      return false;
    },
    needsRehash(hash) {
      const match = /^\$(2[abxy])\$(\d\d)\$/.exec(hash);
      return !match || match[1] !== VARIANT || Number(match[2]) !== cost;
    },
  };
}
