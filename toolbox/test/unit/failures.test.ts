import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError, badRequest, unavailable } from '../../src/errors.js';
import { publicMessage, serviceFailure } from '../../src/failures.js';

const DRIVER_TEXT = 'connect ECONNREFUSED 172.18.0.5:1025';

describe('public failure messages', () => {
  test('when a dependency fails, then the message is "<service> <kind>" with the status of that kind', () => {
    const cases = [
      ['unreachable', 502],
      ['refused', 502],
      ['timeout', 504],
      ['overloaded', 503],
      ['invalid', 400],
    ] as const;
    for (const [kind, status] of cases) {
      const err = serviceFailure('logger-service', kind, new Error(DRIVER_TEXT));
      assert.equal(err.message, `logger-service ${kind}`);
      assert.equal(err.status, status, kind);
      assert.equal((err.cause as Error).message, DRIVER_TEXT, 'the cause is kept for the log');
    }
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
      publicMessage(unavailable('user database is unavailable', root), 'auth'),
      'user database is unavailable',
    );
  });

  test('when a 4xx AppError is described, then its message is public as it is', () => {
    assert.equal(publicMessage(badRequest('email: invalid'), 'auth'), 'email: invalid');
  });
});
