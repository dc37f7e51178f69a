import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, test } from 'node:test';
import { toPoolMessage } from '../../src/clients/pool-message.js';
import { createComposer } from '../../src/mime.js';

const compose = createComposer({ name: 'Suite', address: 'sender@example.com' });
const mail = compose({ to: 'rcpt@example.com', subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' });

describe('the mail as the SMTP pool takes it', () => {
  test('when the pool asks for the envelope, then it gets the composed one, a new copy each time', () => {
    const { message } = toPoolMessage(mail);
    const first = message.getEnvelope();
    assert.deepEqual(first, { from: 'sender@example.com', to: ['rcpt@example.com'] });
    (first.to as string[]).push('someone@else.example');
    assert.deepEqual(message.getEnvelope().to, ['rcpt@example.com']);
    assert.deepEqual(mail.envelope.to, ['rcpt@example.com']);
  });

  test('when the pool asks for the Message-ID, then it gets the one in the source', () => {
    const { message } = toPoolMessage(mail);
    assert.equal(message.messageId(), mail.messageId);
    assert.equal(message.getHeader('message-id'), mail.messageId);
    assert.equal(message.getHeader('subject'), undefined);
    assert.match(mail.raw.toString('utf8'), new RegExp(`^Message-ID: ${mail.messageId}\r$`, 'm'));
  });

  test('when the pool reads the message twice (a send again over another connection), then each stream is unread and gives the whole source', async () => {
    const { message } = toPoolMessage(mail);
    const first = message.createReadStream();
    assert.equal(first.readableDidRead, false);
    assert.equal(await text(first), mail.raw.toString('utf8'));
    const second = message.createReadStream();
    assert.equal(second.readableDidRead, false);
    assert.equal(await text(second), mail.raw.toString('utf8'));
  });

  test('when handed to the pool, then no per-message option is set', () => {
    assert.deepEqual(toPoolMessage(mail).data, {});
  });
});
