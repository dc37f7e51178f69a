import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PEER_ERROR_KINDS, PeerError } from '@suite/proto/errors';
import { AppError, badRequest } from '../../src/errors.js';
import { httpErrorOf, publicMessage } from '../../src/failures.js';

const DRIVER_TEXT = 'connect ECONNREFUSED 172.18.0.5:1025';

describe('public failure messages', () => {
  test('when a peer fails, then the default table answers its kind with the status callers of a gateway expect', () => {
    const expected = { unreachable: 502, refused: 502, timeout: 504, overloaded: 503, invalid: 400 };
    assert.deepEqual(Object.keys(expected).sort(), [...PEER_ERROR_KINDS].sort(), 'every kind has a status');
    for (const kind of PEER_ERROR_KINDS) {
      const failure = new PeerError('logger-service', kind, DRIVER_TEXT);
      const err = httpErrorOf(failure);
      assert.equal(err.status, expected[kind], kind);
      assert.equal(err.message, `logger-service ${kind}`);
      assert.equal(err.cause, failure, 'the failure, with its detail, is kept for the log');
    }
  });

  test("when a service has its own table, then the status is its and the message the raiser's summary", () => {
    const table = { unreachable: 503, refused: 500, timeout: 503, overloaded: 503, invalid: 400 };
    const failure = new PeerError('MongoDB', 'refused', 'E11000', { summary: 'MongoDB could not store it' });
    const err = httpErrorOf(failure, table);
    assert.deepEqual([err.status, err.message], [500, 'MongoDB could not store it']);
    assert.equal(publicMessage(err, 'logger-service'), 'MongoDB could not store it');
  });

  test('when a PeerError is described, then only its summary is public, never its detail', () => {
    const failure = new PeerError('mail-service', 'timeout', DRIVER_TEXT);
    assert.equal(publicMessage(failure, 'broker-service'), 'mail-service timeout');
    assert.match(failure.message, /ECONNREFUSED/, 'the message, for logs, keeps the detail');
  });

  test('when an error is not an AppError, then only the service and "internal error" are public', () => {
    assert.equal(publicMessage(new Error(DRIVER_TEXT), 'broker-service'), 'broker-service internal error');
  });

  test('when a 5xx message carries text of a cause deeper in the chain, then it is replaced', () => {
    const root = new Error(DRIVER_TEXT);
    const middle = new Error('pool failed', { cause: root });
    const err = new AppError(502, `mail-server refused: ${DRIVER_TEXT}`, { cause: middle });
    assert.equal(publicMessage(err, 'mail-service'), 'mail-service failed');
    assert.equal(
      publicMessage(new AppError(503, 'user database is unavailable', { cause: root }), 'auth'),
      'user database is unavailable',
    );
  });

  test('when a 4xx AppError is described, then its message is public as it is', () => {
    assert.equal(publicMessage(badRequest('email: invalid'), 'auth'), 'email: invalid');
  });
});
