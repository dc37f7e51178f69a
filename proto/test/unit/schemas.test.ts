import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LOG_DATA_MAX_CHARS,
  logEntrySchema,
  logInfoParamsSchema,
  rpcLogInfoResult,
} from '../../src/index.js';

describe('log entry contracts', () => {
  test('when name and data are strings, then the entry is accepted with the name trimmed', () => {
    assert.deepEqual(logEntrySchema.parse({ name: ' event ', data: 'x', extra: 1 }), {
      name: 'event',
      data: 'x',
    });
  });

  test('when fields are missing, empty, of the wrong type or too long, then each error names the field', () => {
    const messages = (input: unknown) =>
      logEntrySchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.deepEqual(messages({ data: 'x' }), ['name: name is required']);
    assert.deepEqual(messages({ name: '  ', data: 'x' }), ['name: name must not be empty']);
    assert.deepEqual(messages({ name: 1, data: 'x' }), ['name: name must be a string']);
    assert.deepEqual(messages({ name: 'n', data: 'x'.repeat(LOG_DATA_MAX_CHARS + 1) }), [
      `data: data must be at most ${LOG_DATA_MAX_CHARS} characters`,
    ]);
  });

  test('when RPC params carry event and request ids, then they are kept', () => {
    const params = logInfoParamsSchema.parse({ name: 'n', data: 'd', event_id: 'e1', request_id: 'r1' });
    assert.deepEqual(params, { name: 'n', data: 'd', event_id: 'e1', request_id: 'r1' });
    assert.equal(rpcLogInfoResult('n'), 'Processed payload via RPC: n');
  });
});
