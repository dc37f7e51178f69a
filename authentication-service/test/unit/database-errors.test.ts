import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maintenanceTarget } from '../../src/db/create-database.js';
import { isConnectionError, isDatabaseOutage } from '../../src/db/errors.js';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('database error classification', () => {
  test('when a backend was terminated or the socket dropped, then it is a connection error worth one retry', () => {
    assert.equal(isConnectionError(pgError('57P01')), true);
    assert.equal(isConnectionError(pgError('ECONNREFUSED')), true);
    assert.equal(isConnectionError(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isConnectionError(new Error('timeout exceeded when trying to connect')), true);
  });

  test('when a query itself is wrong, then it is neither a connection error nor an outage', () => {
    assert.equal(isConnectionError(pgError('42601')), false);
    assert.equal(isDatabaseOutage(pgError('42601')), false);
    assert.equal(isDatabaseOutage(pgError('23505')), false);
  });

  test('when a statement times out or the database is missing, then it is an outage', () => {
    assert.equal(isDatabaseOutage(pgError('57014')), true);
    assert.equal(isDatabaseOutage(pgError('3D000')), true);
    assert.equal(isDatabaseOutage(pgError('53300')), true);
  });
});

describe('maintenanceTarget', () => {
  test('when a URL names a database, then the maintenance URL keeps server, user and options', () => {
    const { database, maintenanceUrl } = maintenanceTarget(
      'postgres://u:p@db.local:5433/my%20users?sslmode=disable',
    );
    assert.equal(database, 'my users');
    assert.equal(maintenanceUrl, 'postgres://u:p@db.local:5433/postgres?sslmode=disable');
  });
});
