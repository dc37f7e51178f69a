import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RPC_MAX_BATCH } from '@suite/proto';
import { waitFor } from '@suite/test-kit';
import { createLogger } from '@suite/toolbox';
import { readConfig } from '../../src/config.js';
import { startRpcServer } from '../../src/rpc/server.js';
import { FakeLogStore } from '../support/fake-store.js';
import { LineSocket } from '../support/line-socket.js';

const logger = createLogger('test', 'silent');
const logInfo = (id: number, name: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'LogInfo',
  params: { name, data: 'd' },
});

test('when a batch fills the in-flight limit, then each element counts: the next call waits while another connection is answered', async () => {
  const store = new FakeLogStore();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = 0;
  const insert = store.insert.bind(store);
  store.insert = async (entry, ids) => {
    started++;
    await gate;
    return insert(entry, ids);
  };
  const rpc = await startRpcServer({
    store,
    logger,
    port: 0,
    host: '127.0.0.1',
    limits: { ...readConfig({}), RPC_MAX_IN_FLIGHT_PER_CONNECTION: 4 },
  });
  const busy = await LineSocket.connect(rpc.port);
  const other = await LineSocket.connect(rpc.port);
  try {
    busy.sendJson([1, 2, 3, 4].map((id) => logInfo(id, `batch-${id}`)));
    await waitFor(() => started === 4);
    busy.sendJson({ jsonrpc: '2.0', id: 5, method: 'NoSuchMethod' });

    // The other connection is not held back by the busy one's limit.
    other.sendJson({ jsonrpc: '2.0', id: 1, method: 'NoSuchMethod' });
    assert.equal(((await other.nextJson()).error as { code: number }).code, -32601);

    release();
    const first = await busy.nextJson();
    assert.ok(
      Array.isArray(first),
      `the call after a full batch was answered before the batch: ${JSON.stringify(first)}`,
    );
    assert.equal((first as unknown[]).length, 4);
    assert.equal(((await busy.nextJson()).error as { code: number }).code, -32601);
  } finally {
    release();
    busy.close();
    other.close();
    await rpc.close();
  }
});

test("when the configuration keeps its defaults, then a batch of proto's RPC_MAX_BATCH calls is answered and one call more is refused", async () => {
  const store = new FakeLogStore();
  const rpc = await startRpcServer({ store, logger, port: 0, host: '127.0.0.1', limits: readConfig({}) });
  const socket = await LineSocket.connect(rpc.port);
  try {
    const batch = (size: number) => Array.from({ length: size }, (_, i) => logInfo(i + 1, `full-${i}`));
    socket.sendJson(batch(RPC_MAX_BATCH));
    const answered = await socket.nextJson();
    assert.ok(Array.isArray(answered), JSON.stringify(answered));
    assert.equal((answered as unknown[]).length, RPC_MAX_BATCH);

    socket.sendJson(batch(RPC_MAX_BATCH + 1));
    const refused = (await socket.nextJson()).error as { code: number; message: string };
    assert.equal(refused.code, -32600);
    assert.match(refused.message, new RegExp(`at most ${RPC_MAX_BATCH} calls per batch`));
  } finally {
    socket.close();
    await rpc.close();
  }
});
