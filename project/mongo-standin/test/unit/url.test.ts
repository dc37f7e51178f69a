import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withMongoDatabase } from '../../src/index.js';

test('when a run swaps the database, then credentials and options stay', () => {
  assert.equal(
    withMongoDatabase('mongodb://admin:pw@mongo:27017/logs?authSource=admin', 'x'),
    'mongodb://admin:pw@mongo:27017/x?authSource=admin',
  );
  assert.equal(withMongoDatabase('mongodb://127.0.0.1:27017', 'x'), 'mongodb://127.0.0.1:27017/x');
  assert.equal(
    withMongoDatabase('mongodb://127.0.0.1:27017/?tls=false', 'x'),
    'mongodb://127.0.0.1:27017/x?tls=false',
  );
});

test('when a run swaps the database of a URL with credentials but no authSource, then they still authenticate where they did', () => {
  assert.equal(
    withMongoDatabase('mongodb://admin:pw@mongo:27017', 'x'),
    'mongodb://admin:pw@mongo:27017/x?authSource=admin',
  );
  assert.equal(
    withMongoDatabase('mongodb://admin:pw@mongo:27017/logs?tls=true', 'x'),
    'mongodb://admin:pw@mongo:27017/x?tls=true&authSource=logs',
  );
});
