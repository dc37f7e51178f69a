import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseNameFromUrl } from '../../src/store/mongo.js';

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
