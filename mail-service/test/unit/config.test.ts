import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';

describe('mail-service configuration', () => {
  test('when FROM_NAME holds a line break, then the service refuses to start naming it', () => {
    assert.throws(() => readConfig({ FROM_NAME: 'Suite\r\nBcc: someone@example.com' }), /FROM_NAME/);
  });

  test('when FROM_NAME is an ordinary name, then it is the sender name', () => {
    assert.equal(readConfig({ FROM_NAME: 'Süite Tëst' }).FROM_NAME, 'Süite Tëst');
  });
});
