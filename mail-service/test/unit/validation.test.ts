import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseMailbox, sendRequestSchema } from '../../src/validation.js';

const valid = { to: 'rcpt@example.com', subject: 'Hello', message: 'Hi there' };

describe('send request validation', () => {
  test('when from is a bare or named address, then it is parsed into name and address', () => {
    assert.deepEqual(parseMailbox('a@example.com'), { address: 'a@example.com' });
    assert.deepEqual(parseMailbox('Alice Doe <a@example.com>'), {
      name: 'Alice Doe',
      address: 'a@example.com',
    });
    assert.deepEqual(parseMailbox('"Doe, Alice" <a@example.com>'), {
      name: 'Doe, Alice',
      address: 'a@example.com',
    });
    assert.deepEqual(parseMailbox('<a@example.com>'), { address: 'a@example.com' });
  });

  test('when from is not an address, then it is rejected', () => {
    for (const from of [
      'nobody',
      'Alice <nobody>',
      'a@example.com, b@example.com',
      'Alice <a@example.com> extra',
    ]) {
      assert.equal(parseMailbox(from), undefined, from);
      assert.equal(sendRequestSchema.safeParse({ ...valid, from }).success, false, from);
    }
  });

  test('when a header field carries a line break or control character, then the field is named', () => {
    for (const field of ['from', 'to', 'subject'] as const) {
      for (const bad of ['a@example.com\r\nBcc: x@y.z', 'a@example.com\nBcc: x@y.z', 'a@example.com\u0000']) {
        const result = sendRequestSchema.safeParse({ ...valid, [field]: bad });
        assert.equal(result.success, false, `${field}=${JSON.stringify(bad)}`);
        assert.equal(result.error?.issues[0]?.path[0], field);
        assert.match(result.error?.issues[0]?.message ?? '', /line breaks/);
      }
    }
  });

  test('when subject or message is too long, then it is rejected, and at the limit it is accepted', () => {
    assert.equal(sendRequestSchema.safeParse({ ...valid, subject: 's'.repeat(200) }).success, true);
    assert.equal(sendRequestSchema.safeParse({ ...valid, subject: 's'.repeat(201) }).success, false);
    assert.equal(sendRequestSchema.safeParse({ ...valid, message: 'm'.repeat(10_000) }).success, true);
    assert.equal(sendRequestSchema.safeParse({ ...valid, message: 'm'.repeat(10_001) }).success, false);
  });

  test('when the message has line breaks, then they are allowed', () => {
    assert.equal(sendRequestSchema.safeParse({ ...valid, message: 'line 1\r\nline 2\n' }).success, true);
  });
});
