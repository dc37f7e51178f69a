import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authRequestSchema,
  EMAIL_MAX_CHARS,
  MAILBOX_MAX_CHARS,
  MESSAGE_MAX_CHARS,
  mailRequestSchema,
  PASSWORD_MAX_BYTES,
  parseMailbox,
  SUBJECT_MAX_CHARS,
} from '../../src/index.js';

/** A syntactically valid address of exactly `length` characters. */
function addressOf(length: number): string {
  const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.com`;
  return `${'a'.repeat(length - domain.length - 1)}@${domain}`;
}

const problems = (result: {
  success: boolean;
  error?: { issues: Array<{ path: unknown[]; message: string }> };
}) => result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('auth request contract', () => {
  const valid = { email: 'user@example.com', password: 'verysecret' };

  test('when the email is at its limit, then it is accepted; one more character is refused', () => {
    assert.equal(addressOf(EMAIL_MAX_CHARS).length, 254);
    assert.equal(authRequestSchema.safeParse({ ...valid, email: addressOf(254) }).success, true);
    assert.deepEqual(problems(authRequestSchema.safeParse({ ...valid, email: addressOf(255) })), [
      'email: must be at most 254 characters',
    ]);
  });

  test('when the password is 72 bytes of UTF-8, then it is accepted; 73 bytes are refused even if fewer characters', () => {
    assert.equal(PASSWORD_MAX_BYTES, 72);
    assert.equal(authRequestSchema.safeParse({ ...valid, password: 'é'.repeat(36) }).success, true);
    assert.deepEqual(problems(authRequestSchema.safeParse({ ...valid, password: `${'é'.repeat(36)}x` })), [
      'password: must be at most 72 bytes',
    ]);
    assert.equal(authRequestSchema.safeParse({ ...valid, password: 'x'.repeat(72) }).success, true);
  });

  test('when fields are missing or of the wrong type, then each is named', () => {
    assert.deepEqual(problems(authRequestSchema.safeParse({ email: 1 })), [
      'email: must be a string',
      'password: is required',
    ]);
  });
});

describe('mail request contract', () => {
  const valid = { to: 'rcpt@example.com', subject: 'Hello', message: 'Hi there' };

  test('when subject and message are at their limits, then they are accepted; one more character is refused', () => {
    const at = { ...valid, subject: 's'.repeat(SUBJECT_MAX_CHARS), message: 'm'.repeat(MESSAGE_MAX_CHARS) };
    assert.equal(mailRequestSchema.safeParse(at).success, true);
    assert.deepEqual(
      problems(mailRequestSchema.safeParse({ ...at, subject: `${at.subject}s`, message: `${at.message}m` })),
      ['subject: must be at most 200 characters', 'message: must be at most 10000 characters'],
    );
    assert.deepEqual(problems(mailRequestSchema.safeParse({ ...valid, to: addressOf(255) })), [
      'to: must be at most 254 characters',
    ]);
  });

  test('when a header field carries CR, LF or another control character, then that field is named', () => {
    for (const field of ['from', 'to', 'subject'] as const) {
      for (const bad of ['a@example.com\r\nBcc: x@y.z', 'a@example.com\nBcc: x@y.z', 'a@example.com\u0000']) {
        assert.deepEqual(
          problems(mailRequestSchema.safeParse({ ...valid, [field]: bad })).slice(0, 1),
          [`${field}: must not contain line breaks or other control characters`],
          `${field}=${JSON.stringify(bad)}`,
        );
      }
    }
    assert.equal(mailRequestSchema.safeParse({ ...valid, message: 'line 1\r\nline 2\n' }).success, true);
  });

  test('when from is a bare or named address, then it is accepted and parses; anything else is refused', () => {
    assert.deepEqual(parseMailbox('"Doe, Alice" <a@example.com>'), {
      name: 'Doe, Alice',
      address: 'a@example.com',
    });
    assert.deepEqual(parseMailbox('a@example.com'), { address: 'a@example.com' });
    for (const from of ['a@example.com', 'Alice Doe <a@example.com>'])
      assert.equal(mailRequestSchema.safeParse({ ...valid, from }).success, true, from);
    for (const from of [
      'nobody',
      'Alice <nobody>',
      'a@example.com, b@example.com',
      'Alice <a@example.com> x',
    ]) {
      assert.equal(parseMailbox(from), undefined, from);
      assert.deepEqual(problems(mailRequestSchema.safeParse({ ...valid, from })), [
        'from: must be an email address or "Name <address>"',
      ]);
    }
  });
});

/** Shapes that made backtracking patterns slow: long runs a pattern can split many ways. */
const ADVERSARIAL = (length: number) => [
  `${' '.repeat(length - 1)}x`,
  `"${' '.repeat(length - 2)}x`,
  '<'.repeat(length),
  'a@'.repeat(length / 2),
  `${'a'.repeat(length - 1)}@`,
];

describe('length before pattern', () => {
  test('when a field is far over its length, then only the length is reported: no pattern or refinement ran on it', () => {
    const valid = { from: 'a@example.com', to: 'rcpt@example.com', subject: 'Hello', message: 'Hi' };
    for (const value of ADVERSARIAL(100_000)) {
      assert.deepEqual(problems(mailRequestSchema.safeParse({ ...valid, from: value })), [
        `from: must be at most ${MAILBOX_MAX_CHARS} characters`,
      ]);
      assert.deepEqual(problems(mailRequestSchema.safeParse({ ...valid, to: value })), [
        `to: must be at most ${EMAIL_MAX_CHARS} characters`,
      ]);
      assert.deepEqual(problems(mailRequestSchema.safeParse({ ...valid, subject: value })), [
        `subject: must be at most ${SUBJECT_MAX_CHARS} characters`,
      ]);
      assert.deepEqual(problems(authRequestSchema.safeParse({ email: value, password: value })), [
        `email: must be at most ${EMAIL_MAX_CHARS} characters`,
        `password: must be at most ${PASSWORD_MAX_BYTES} bytes`,
      ]);
    }
  });

  test('when parseMailbox is given more than a mailbox may hold, then it refuses without looking further', () => {
    for (const value of ADVERSARIAL(100_000)) assert.equal(parseMailbox(value), undefined);
  });

  test('when parseMailbox reads the named forms, then it agrees with RFC 5322 display names as the suite accepts them', () => {
    const cases: Array<[string, ReturnType<typeof parseMailbox>]> = [
      ['  a@example.com  ', { address: 'a@example.com' }],
      ['<a@example.com>', { address: 'a@example.com' }],
      ['"" <a@example.com>', { address: 'a@example.com' }],
      ['Alice  < a@example.com > ', { name: 'Alice', address: 'a@example.com' }],
      ['" Alice <work> " <a@example.com>', { name: 'Alice <work>', address: 'a@example.com' }],
      ['"Alice"<a@example.com>', { name: 'Alice', address: 'a@example.com' }],
      ['"Alice" x <a@example.com>', undefined],
      ['x "Alice" <a@example.com>', undefined],
      ['"Al"ice" <a@example.com>', undefined],
      ['" <a@example.com>', undefined],
      ['Ali>ce <a@example.com>', undefined],
      ['Alice <a@example.com>>', undefined],
      ['Alice <>', undefined],
      ['a@example.com>', undefined],
      [`Alice <${addressOf(255)}>`, undefined],
    ];
    for (const [value, expected] of cases) assert.deepEqual(parseMailbox(value), expected, value);
    assert.equal(`Alice <${addressOf(254)}>`.length <= MAILBOX_MAX_CHARS, true);
    assert.deepEqual(parseMailbox(`Alice <${addressOf(254)}>`), { name: 'Alice', address: addressOf(254) });
  });
});
