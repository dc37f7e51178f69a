import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createComposer } from '../../src/mime.js';

const compose = createComposer({ name: 'Süite "Mail"', address: 'sender@example.com' });
const parts = { to: 'rcpt@example.com', subject: 'Hello', text: 'Hi\nthere', html: '<p>Hi</p>' };

const headerBlock = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0]!;

describe('MIME composition', () => {
  test('when composed, then From is the configured sender, To the recipient, and the envelope matches', () => {
    const { envelope, raw } = compose({ ...parts, replyTo: 'someone@else.example' });
    const headers = headerBlock(raw);
    assert.match(headers, /^From: =\?UTF-8\?B\?[^?]+\?= <sender@example\.com>$/m);
    assert.match(headers, /^To: rcpt@example\.com$/m);
    assert.match(headers, /^Reply-To: someone@else\.example$/m);
    assert.equal(headers.match(/^From:/gm)?.length, 1);
    assert.deepEqual(envelope, { from: 'sender@example.com', to: ['rcpt@example.com'] });
  });

  test('when there is no reply address, then there is no Reply-To header', () => {
    assert.doesNotMatch(headerBlock(compose(parts).raw), /^Reply-To:/m);
  });

  test('when text is non-ASCII or has a line over 998 octets, then every line of the source is 7-bit and at most 998 octets', () => {
    const { raw } = compose({
      ...parts,
      subject: `Grüße ${'ü'.repeat(150)}`,
      text: `äöü\n${'x'.repeat(2000)}`,
      html: `<p>${'y'.repeat(2000)}</p>`,
    });
    for (const byte of raw) assert.ok(byte < 0x80, 'an 8-bit byte in the source');
    for (const line of raw.toString('ascii').split('\r\n'))
      assert.ok(line.length <= 998, `line of ${line.length}`);
    assert.equal(raw.toString('ascii').match(/^Content-Transfer-Encoding: base64$/gm)?.length, 2);
  });

  test('when text is short-lined ASCII, then the parts go as readable 7bit with CRLF line breaks', () => {
    const source = compose(parts).raw.toString('ascii');
    assert.equal(source.match(/^Content-Transfer-Encoding: 7bit$/gm)?.length, 2);
    assert.match(source, /\r\n\r\nHi\r\nthere\r\n--/);
    assert.doesNotMatch(source.replace(/\r\n/g, ''), /[\r\n]/, 'a bare CR or LF');
  });
});
