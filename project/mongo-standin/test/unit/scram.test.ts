import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, test } from 'node:test';
import { Binary } from 'bson';
import { deriveScramUser, ScramServer } from '../../src/scram.js';

const text = (payload: Binary) => Buffer.from(payload.value()).toString('utf8');
const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** A minimal SCRAM-SHA-256 client (RFC 7677), independent of the server code under test. */
function clientFinal(password: string, clientFirstBare: string, serverFirst: string) {
  const fields = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(fields.s!, 'base64'), Number(fields.i), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const withoutProof = `c=biws,r=${fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(createHash('sha256').update(clientKey).digest(), authMessage);
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
  const expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
  return { message: `${withoutProof},p=${proof.toString('base64')}`, expectedServerSignature };
}

function start(server: ScramServer, username: string, skipEmptyExchange: boolean) {
  const clientFirstBare = `n=${username},r=clientnonce123`;
  const step = server.start({
    mechanism: 'SCRAM-SHA-256',
    payload: new Binary(Buffer.from(`n,,${clientFirstBare}`)),
    options: { skipEmptyExchange },
  });
  return { step, clientFirstBare };
}

describe('ScramServer', () => {
  const user = deriveScramUser('admin', 'secret');

  test('when the client proves the password without skipEmptyExchange, then a final empty round completes', () => {
    const server = new ScramServer(user);
    const { step, clientFirstBare } = start(server, 'admin', false);
    assert.equal(step.done, false);
    const final = clientFinal('secret', clientFirstBare, text(step.payload));
    const second = server.continue({
      conversationId: step.conversationId,
      payload: new Binary(Buffer.from(final.message)),
    });
    assert.equal(second.done, false);
    assert.equal(text(second.payload), `v=${final.expectedServerSignature}`);
    const third = server.continue({
      conversationId: step.conversationId,
      payload: new Binary(Buffer.alloc(0)),
    });
    assert.equal(third.done, true);
  });

  test('when the client proves the password with skipEmptyExchange, then the second step is done', () => {
    const server = new ScramServer(user);
    const { step, clientFirstBare } = start(server, 'admin', true);
    const final = clientFinal('secret', clientFirstBare, text(step.payload));
    const second = server.continue({
      conversationId: step.conversationId,
      payload: new Binary(Buffer.from(final.message)),
    });
    assert.equal(second.done, true);
  });

  test('when the proof is made with the wrong password, then AuthenticationFailed (18) is thrown', () => {
    const server = new ScramServer(user);
    const { step, clientFirstBare } = start(server, 'admin', true);
    const final = clientFinal('wrong', clientFirstBare, text(step.payload));
    assert.throws(
      () =>
        server.continue({
          conversationId: step.conversationId,
          payload: new Binary(Buffer.from(final.message)),
        }),
      (err: { code?: number }) => err.code === 18,
    );
  });

  test('when the user is unknown, then a challenge is still issued and the proof fails with 18', () => {
    const server = new ScramServer(user);
    const { step, clientFirstBare } = start(server, 'mallory', true);
    assert.match(text(step.payload), /^r=clientnonce123.+,s=.+,i=15000$/);
    const final = clientFinal('secret', clientFirstBare, text(step.payload));
    assert.throws(
      () =>
        server.continue({
          conversationId: step.conversationId,
          payload: new Binary(Buffer.from(final.message)),
        }),
      (err: { code?: number }) => err.code === 18,
    );
  });
});
