import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogStreamClient, GRPC_LOG_RESULT, isPeerError, type LogGrpcClient } from '@suite/proto';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

const outcome = (promise: Promise<string>) =>
  promise.then(
    (result) => result,
    (err: unknown) => (isPeerError(err) ? `${err.kind}: ${err.detail}` : String(err)),
  );

describe('gRPC WriteLogStream', () => {
  let mongo: TestMongo;
  let service: RunningService;
  let client: LogGrpcClient;

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo);
    client = createLogStreamClient({ address: service.grpcAddress, timeoutMs: 5000 });
  });
  after(async () => {
    client?.close();
    await service?.close();
    await mongo?.close();
  });

  test('when many entries are written at once, then each is stored with its own request and event id and answered', async () => {
    const run = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client.writeLog(
          { name: `stream-${run}`, data: `entry ${i}` },
          { requestId: `stream-req-${run}-${i}`, eventId: i % 2 ? `stream-evt-${run}-${i}` : undefined },
        ),
      ),
    );
    assert.deepEqual(results, Array(200).fill(GRPC_LOG_RESULT));
    const stored = await mongo.db
      .collection(LOGS_COLLECTION)
      .find({ name: `stream-${run}` })
      .toArray();
    assert.equal(stored.length, 200);
    for (const doc of stored) {
      const i = Number(String(doc.data).slice('entry '.length));
      assert.equal(doc.request_id, `stream-req-${run}-${i}`);
      assert.equal(doc.event_id, i % 2 ? `stream-evt-${run}-${i}` : undefined);
    }
  });

  test('when one entry of several is invalid, then it alone fails as invalid with the reason and the others are stored', async () => {
    const run = Date.now();
    const outcomes = await Promise.all([
      outcome(client.writeLog({ name: `ok-${run}`, data: '1' })),
      outcome(client.writeLog({ name: '', data: '2' })),
      outcome(client.writeLog({ name: `ok-${run}`, data: 'x'.repeat(65_537) })),
      outcome(client.writeLog({ name: `ok-${run}`, data: '3' })),
    ]);
    assert.equal(outcomes[0], GRPC_LOG_RESULT);
    assert.match(outcomes[1]!, /^invalid: .*name must not be empty/);
    assert.match(outcomes[2]!, /^invalid: .*data must be at most 65536 characters/);
    assert.equal(outcomes[3], GRPC_LOG_RESULT);
    assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ name: `ok-${run}` }), 2);
  });

  test('when the logger restarts, then each entry in flight is either stored and answered or fails as unreachable unstored, and the next call reaches the new logger', async (t) => {
    const port = Number(service.grpcAddress.split(':')[1]);
    const run = Date.now();
    // Entries keep coming in waves while the logger closes, until it refuses one: some are answered
    // before, some while it closes (it answers what it holds), the rest refused unstored.
    const inFlight: Promise<string>[] = [];
    let closing: Promise<void> | undefined;
    let refused = false;
    for (let wave = 0; wave < 3000 && !refused; wave++) {
      for (let i = 0; i < 10; i++) {
        const result = outcome(client.writeLog({ name: `restart-${run}`, data: String(inFlight.length) }));
        void result.then((answer) => {
          if (answer !== GRPC_LOG_RESULT) refused = true;
        });
        closing ??= result.then(() => service.close());
        inFlight.push(result);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const outcomes = await Promise.all(inFlight);
    await closing;
    const stored = new Set(
      (
        await mongo.db
          .collection(LOGS_COLLECTION)
          .find({ name: `restart-${run}` })
          .toArray()
      ).map((d) => Number(d.data)),
    );
    const answered = outcomes.filter((result) => result === GRPC_LOG_RESULT).length;
    assert.ok(answered > 0, 'no entry was answered before the logger closed');
    t.diagnostic(
      `${answered} of ${outcomes.length} answered as stored, the rest refused by the closing logger`,
    );
    outcomes.forEach((result, i) => {
      if (result === GRPC_LOG_RESULT) assert.ok(stored.has(i), `entry ${i} answered but not stored`);
      else {
        assert.match(result, /^unreachable: /, `entry ${i}`);
        assert.ok(!stored.has(i), `entry ${i} failed but was stored`);
      }
    });

    service = await startService(mongo, { env: { GRPC_PORT: String(port) } });
    // Entries sent while it was down left the channel backing off (at most 1 s) before it redials.
    const deadline = Date.now() + 3000;
    let back = await outcome(client.writeLog({ name: `back-${run}`, data: 'd' }));
    while (back !== GRPC_LOG_RESULT && Date.now() < deadline) {
      assert.match(back, /^unreachable: /);
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await outcome(client.writeLog({ name: `back-${run}`, data: 'd' }));
    }
    assert.equal(back, GRPC_LOG_RESULT);
    assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ name: `back-${run}` }), 1);
  });
});
