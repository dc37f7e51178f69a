import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ID_MAX_CHARS,
  isReservedLogName,
  LOG_DATA_MAX_CHARS,
  LOG_NAME_MAX_CHARS,
  logEntrySchema,
  logInfoParamsSchema,
  publicLogEntrySchema,
  RESERVED_LOG_NAMES,
  RPC_MAX_LINE_BYTES,
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

describe('reserved record names', () => {
  test("when a public entry takes one of the suite's own record names, in any case or with blanks, then it is refused naming why", () => {
    assert.deepEqual([...RESERVED_LOG_NAMES].sort(), ['authentication', 'broker_hit']);
    for (const name of ['authentication', 'broker_hit', ' Authentication ', 'BROKER_HIT']) {
      const issues = publicLogEntrySchema.safeParse({ name, data: '{"success":true}' }).error?.issues;
      assert.deepEqual(
        issues?.map((i) => `${i.path.join('.')}: ${i.message}`),
        [`name: name ${JSON.stringify(name.trim())} is reserved for the suite's own records`],
        name,
      );
      assert.equal(isReservedLogName(name), true);
    }
  });

  test("when a public entry has any other name, then it is accepted; the services' own schema takes the reserved ones", () => {
    for (const name of ['authentication-test', 'login', 'log', 'broker hit']) {
      assert.equal(publicLogEntrySchema.safeParse({ name, data: 'd' }).success, true, name);
    }
    assert.equal(logEntrySchema.safeParse({ name: 'authentication', data: 'd' }).success, true);
    assert.equal(logInfoParamsSchema.safeParse({ name: 'broker_hit', data: 'd' }).success, true);
  });

  test('when a public name is over its length, then only the length is reported', () => {
    const issues = publicLogEntrySchema.safeParse({ name: 'authentication'.repeat(10_000), data: 'd' }).error
      ?.issues;
    assert.deepEqual(
      issues?.map((i) => i.message),
      [`name must be at most ${LOG_NAME_MAX_CHARS} characters`],
    );
  });
});

describe('JSON-RPC line limit', () => {
  test('when every field of a LogInfo call is at its limit and escaped at its longest, then the call is valid and fits the line limit', () => {
    const worst = (length: number) => '\u001f'.repeat(length);
    const params = {
      name: `n${worst(LOG_NAME_MAX_CHARS - 1)}`,
      data: worst(LOG_DATA_MAX_CHARS),
      event_id: worst(ID_MAX_CHARS),
      request_id: worst(ID_MAX_CHARS),
    };
    assert.equal(logInfoParamsSchema.safeParse(params).success, true);
    const call = { jsonrpc: '2.0', id: 'i'.repeat(ID_MAX_CHARS), method: 'LogInfo', params };
    // Pretty-printed with blanks, but on one line, as a person typing into nc might.
    const line = JSON.stringify(call).replaceAll('":', '": ').replaceAll(',"', ', "');
    const bytes = Buffer.byteLength(line);
    assert.ok(bytes <= RPC_MAX_LINE_BYTES, `${bytes} > ${RPC_MAX_LINE_BYTES}`);
    // And the limit is not far above it: a line much longer can only be an invalid call.
    assert.ok(RPC_MAX_LINE_BYTES - bytes < 4096, `${RPC_MAX_LINE_BYTES - bytes} bytes of slack`);
  });
});
