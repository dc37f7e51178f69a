import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { countWrites, createWriteCounter } from '../../src/store/counted.js';
import { FakeLogStore } from '../support/fake-store.js';

test('when entries arrive over a transport, then /metrics counts them by transport, kind and outcome', async () => {
  const registry = new Registry();
  const counter = createWriteCounter(registry);
  const store = new FakeLogStore();
  const overRpc = countWrites(store, counter, 'rpc');
  const overGrpc = countWrites(store, counter, 'grpc');

  await overRpc.insert({ name: 'n', data: 'd' }, { requestId: 'r1' });
  await overRpc.insert({ name: 'n', data: 'd' }, { eventId: 'e1' });
  await overRpc.insert({ name: 'n', data: 'd' }, { eventId: 'e1' });
  await overGrpc.insert({ name: 'n', data: 'd' });

  const values = Object.fromEntries(
    (await counter.get()).values.map((v) => [
      `${v.labels.transport}/${v.labels.kind}/${v.labels.outcome}`,
      v.value,
    ]),
  );
  assert.deepEqual(values, {
    'rpc/request/stored': 1,
    'rpc/event/stored': 1,
    'rpc/event/duplicate': 1,
    'grpc/request/stored': 1,
  });
  assert.match(
    await registry.metrics(),
    /logger_entries_written_total\{transport="grpc",kind="request",outcome="stored"\} 1/,
  );
});
