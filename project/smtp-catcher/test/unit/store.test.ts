import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageStore, type StoredMessage } from '../../src/store.js';

function message(subject: string): StoredMessage {
  return {
    id: subject,
    receivedAt: new Date().toISOString(),
    envelope: { mailFrom: 'a@example.com', rcptTo: ['b@example.com'] },
    from: 'a@example.com',
    to: 'b@example.com',
    subject,
    text: '',
    html: null,
    headers: {},
    size: 10,
    raw: 'Subject: x\r\n\r\nbody',
  };
}

describe('message store', () => {
  test('when more messages arrive than the limit, then only the newest are kept', () => {
    const store = new MessageStore(2);
    for (const s of ['one', 'two', 'three']) store.add(message(s));
    assert.deepEqual(
      store.list().map((m) => m.subject),
      ['two', 'three'],
    );
    assert.equal('raw' in store.list()[0]!, false);
  });

  test('when a matching message arrives later, then waitFor resolves with it', async () => {
    const store = new MessageStore(10);
    const waiting = store.waitFor((m) => m.subject === 'later', 2000);
    store.add(message('other'));
    store.add(message('later'));
    assert.equal((await waiting).subject, 'later');
  });

  test('when no message matches in time, then waitFor rejects naming what was caught', async () => {
    const store = new MessageStore(10);
    store.add(message('unrelated'));
    await assert.rejects(
      store.waitFor(() => false, 20),
      /no matching message arrived within 20 ms.*unrelated/,
    );
  });
});
