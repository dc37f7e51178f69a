import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import bcrypt from 'bcrypt';
import { createPasswordHasher } from '../../src/users/passwords.js';

// Made by other implementations, never by the bcrypt package: the first is the seed hash of the Go
// suite we port (Go's x/crypto/bcrypt), the others come from libxcrypt (Python's crypt module).
const GO_SEED_HASH = '$2a$12$1zGLuYDDNvATh4RA4avbKuheAMpb1svexSzrQm7up.bnpwQHs0jNe';
const LIBXCRYPT_HASHES = [
  '$2a$10$N9qo8uLOickgx2ZMRZoMye7hLCKuEIm4BcKHuoCJsBy/5Q0NErxWS',
  '$2a$11$N9qo8uLOickgx2ZMRZoMyeTC5SbTF0nm/PNq6stfXGotvD18k3Vmq',
  '$2b$12$N9qo8uLOickgx2ZMRZoMyeZgvdYuT0nWX1dSOrmMrdhIpcCb1nx2u',
  '$2y$10$N9qo8uLOickgx2ZMRZoMye7hLCKuEIm4BcKHuoCJsBy/5Q0NErxWS',
];

describe('password hasher', () => {
  test('when hashes of cost 10 to 12 come from other implementations, then the right password verifies', async () => {
    const hasher = await createPasswordHasher(4);
    assert.equal(await hasher.verify('verysecret', GO_SEED_HASH), true, GO_SEED_HASH);
    for (const hash of LIBXCRYPT_HASHES) {
      assert.equal(await hasher.verify('correct horse', hash), true, hash);
    }
  });

  test('when the password is wrong or the stored value is not a bcrypt hash, then verify is false', async () => {
    const hasher = await createPasswordHasher(4);
    assert.equal(await hasher.verify('correct horsE', LIBXCRYPT_HASHES[0]!), false);
    assert.equal(await hasher.verify('correct horsE', LIBXCRYPT_HASHES[3]!), false);
    assert.equal(await hasher.verify('anything', 'plain-text-password'), false);
  });

  test('when a new password is hashed, then it uses the configured cost and verifies', async () => {
    const hasher = await createPasswordHasher(5);
    const hash = await hasher.hash('new-password');
    assert.match(hash, /^\$2b\$05\$/);
    assert.equal(await hasher.verify('new-password', hash), true);
  });

  test('when nobody has the email, then a real bcrypt comparison at the configured cost still runs', async (t) => {
    const hasher = await createPasswordHasher(5);
    const compare = t.mock.method(bcrypt, 'compare');
    assert.equal(await hasher.verifyAgainstNobody('some-guess'), false);
    assert.equal(compare.mock.callCount(), 1);
    const [password, hash] = compare.mock.calls[0]!.arguments as unknown as [string, string];
    assert.equal(password, 'some-guess');
    assert.match(hash, /^\$2b\$05\$.{53}$/, 'the dummy hash must cost as much as a real one');
  });

  test('when a stored hash has another cost or variant than the configured one, then it needs a re-hash', async () => {
    const hasher = await createPasswordHasher(10);
    assert.equal(hasher.needsRehash(await hasher.hash('x')), false);
    for (const hash of [GO_SEED_HASH, ...LIBXCRYPT_HASHES, 'plain-text-password']) {
      assert.equal(hasher.needsRehash(hash), true, hash);
    }
  });
});
