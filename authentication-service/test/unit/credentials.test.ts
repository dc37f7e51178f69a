import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentialsSchema, newPasswordField, normaliseEmail } from '../../src/users/credentials.js';

describe('credentials', () => {
  test('when an email has spaces and capitals, then normalisation trims and lower-cases it', () => {
    assert.equal(normaliseEmail('  Admin@Example.COM\t'), 'admin@example.com');
  });

  test('when credentials are valid, then the email comes out normalised and the password untouched', () => {
    const parsed = credentialsSchema.parse({ email: ' A@Example.com ', password: ' pass word ' });
    assert.deepEqual(parsed, { email: 'a@example.com', password: ' pass word ' });
  });

  test('when the email is not a string or not an address, then parsing fails on email', () => {
    for (const email of [42, null, '', 'not-an-email', "' OR 1=1 --"]) {
      const result = credentialsSchema.safeParse({ email, password: 'x' });
      assert.equal(result.success, false, `${JSON.stringify(email)} was accepted`);
      assert.deepEqual(result.error?.issues[0]?.path, ['email']);
    }
  });

  test('when the password is empty, not a string, or over 72 bytes, then parsing fails on password', () => {
    for (const password of ['', 7, 'a'.repeat(73), 'é'.repeat(37)]) {
      const result = credentialsSchema.safeParse({ email: 'a@example.com', password });
      assert.equal(result.success, false, `${String(password).slice(0, 10)} was accepted`);
      assert.deepEqual(result.error?.issues[0]?.path, ['password']);
    }
  });

  test('when the password is exactly 72 bytes, then it is accepted', () => {
    assert.equal(
      credentialsSchema.safeParse({ email: 'a@example.com', password: 'é'.repeat(36) }).success,
      true,
    );
  });

  test('when a new password is shorter than 8 characters, then it is refused', () => {
    assert.equal(newPasswordField.safeParse('short').success, false);
    assert.equal(newPasswordField.safeParse('long-enough').success, true);
  });
});
