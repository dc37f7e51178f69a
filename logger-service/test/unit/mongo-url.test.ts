import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseNameFromUrl } from '../../src/store/mongo.js';
import { withDatabase } from '../support/mongo.js';

test('when the URL names a database, then that database is used', () => {
  assert.equal(databaseNameFromUrl('mongodb://127.0.0.1:27017/audit'), 'audit');
  assert.equal(databaseNameFromUrl('mongodb://admin:pw@mongo:27017/audit?authSource=admin'), 'audit');
  assert.equal(databaseNameFromUrl('mongodb://a:1,b:2/audit?replicaSet=rs0'), 'audit');
});

test('when the URL has no database, then it is "logs"', () => {
  assert.equal(databaseNameFromUrl('mongodb://127.0.0.1:27017'), 'logs');
  assert.equal(databaseNameFromUrl('mongodb://127.0.0.1:27017/'), 'logs');
  assert.equal(databaseNameFromUrl('mongodb://127.0.0.1:27017/?authSource=admin'), 'logs');
});

test('when a test swaps the database, then credentials and options stay', () => {
  assert.equal(
    withDatabase('mongodb://admin:pw@mongo:27017/logs?authSource=admin', 'x'),
    'mongodb://admin:pw@mongo:27017/x?authSource=admin',
  );
  assert.equal(withDatabase('mongodb://127.0.0.1:27017', 'x'), 'mongodb://127.0.0.1:27017/x');
  assert.equal(
    withDatabase('mongodb://127.0.0.1:27017/?tls=false', 'x'),
    'mongodb://127.0.0.1:27017/x?tls=false',
  );
});

test('when a test swaps the database of a URL with credentials but no authSource, then they still authenticate where they did', () => {
  assert.equal(
    withDatabase('mongodb://admin:pw@mongo:27017', 'x'),
    'mongodb://admin:pw@mongo:27017/x?authSource=admin',
  );
  assert.equal(
    withDatabase('mongodb://admin:pw@mongo:27017/logs?tls=true', 'x'),
    'mongodb://admin:pw@mongo:27017/x?tls=true&authSource=logs',
  );
});
