import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RPC_MAX_BATCH } from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import { createRpcDispatcher } from '../../src/rpc/dispatcher.js';
import { FakeLogStore } from '../support/fake-store.js';

const logger = createLogger('test', 'silent');

function setup() {
  const store = new FakeLogStore();
  const dispatch = createRpcDispatcher(store, logger, RPC_MAX_BATCH);
  const call = async (frame: unknown) => {
    const line = await dispatch(typeof frame === 'string' ? frame : JSON.stringify(frame)).run();
    return line === null ? null : JSON.parse(line);
  };
  return { store, call };
}

describe('JSON-RPC dispatcher', () => {
  test('when LogInfo gets a valid entry, then it stores it and answers the original result string', async () => {
    const { store, call } = setup();
    const response = await call({
      jsonrpc: '2.0',
      id: 7,
      method: 'LogInfo',
      params: { name: 'event', data: 'hello', event_id: 'e-1', request_id: 'r-1' },
    });
    assert.deepEqual(response, { jsonrpc: '2.0', id: 7, result: 'Processed payload via RPC: event' });
    assert.equal(store.entries.length, 1);
    assert.equal(store.entries[0]!.event_id, 'e-1');
    assert.equal(store.entries[0]!.request_id, 'r-1');
  });

  test('when params lack the name, then the error is -32602 and names the field', async () => {
    const { store, call } = setup();
    const response = await call({ jsonrpc: '2.0', id: 1, method: 'LogInfo', params: { data: 'x' } });
    assert.equal(response.error.code, -32602);
    assert.match(response.error.message, /name/);
    assert.equal(store.entries.length, 0);
  });

  test('when data has the wrong type, then the error is -32602 naming data', async () => {
    const { call } = setup();
    const response = await call({
      jsonrpc: '2.0',
      id: 2,
      method: 'LogInfo',
      params: { name: 'n', data: 42 },
    });
    assert.equal(response.error.code, -32602);
    assert.match(response.error.message, /data must be a string/);
  });

  test('when params are not an object, then the error is -32602', async () => {
    const { call } = setup();
    const response = await call({ jsonrpc: '2.0', id: 3, method: 'LogInfo', params: 'text' });
    assert.equal(response.error.code, -32602);
  });

  test('when a Go client wraps params in a one-element array, then the entry is still accepted', async () => {
    const { store, call } = setup();
    const response = await call({
      jsonrpc: '2.0',
      id: 4,
      method: 'LogInfo',
      params: [{ name: 'go', data: 'd' }],
    });
    assert.equal(response.result, 'Processed payload via RPC: go');
    assert.equal(store.entries.length, 1);
  });

  test('when the method is unknown, then the error is -32601', async () => {
    const { call } = setup();
    const response = await call({ jsonrpc: '2.0', id: 5, method: 'Nope', params: {} });
    assert.equal(response.error.code, -32601);
  });

  test('when the line is not JSON, then the answer is the -32700 parse error with a null id', async () => {
    const { call } = setup();
    assert.deepEqual(await call('{"jsonrpc": '), {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
  });

  test('when the line is JSON but not a request, then the answer is -32600', async () => {
    const { call } = setup();
    for (const frame of ['null', '42', '"text"', '{}']) {
      const response = await call(frame);
      assert.equal(response.error.code, -32600, frame);
    }
  });

  test('when storage fails, then the error is -32603 with a clear message', async () => {
    const { store, call } = setup();
    store.down = true;
    const response = await call({
      jsonrpc: '2.0',
      id: 6,
      method: 'LogInfo',
      params: { name: 'n', data: 'd' },
    });
    assert.equal(response.error.code, -32603);
    assert.match(response.error.message, /could not store the log entry: MongoDB is unreachable/);
  });

  test('when the request is a notification, then nothing is answered but the entry is stored', async () => {
    const { store, call } = setup();
    assert.equal(await call({ jsonrpc: '2.0', method: 'LogInfo', params: { name: 'n', data: 'd' } }), null);
    assert.equal(store.entries.length, 1);
  });
});
