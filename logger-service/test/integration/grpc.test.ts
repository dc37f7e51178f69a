import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { createLogGrpcClient, GRPC_LOG_RESULT, type LogGrpcClient, loadLogService } from '@suite/proto';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { checkHealth } from '../support/health-client.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

describe('gRPC LogService', () => {
  let mongo: TestMongo;
  let service: RunningService;
  let client: LogGrpcClient;

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo);
    client = createLogGrpcClient({ address: service.grpcAddress, timeoutMs: 5000 });
  });
  after(async () => {
    client?.close();
    await service?.close();
    await mongo?.close();
  });

  test('when WriteLog is called through the proto client, then it answers "logged!" and stores the ids', async () => {
    const result = await client.writeLog(
      { name: 'grpc-entry', data: 'over gRPC' },
      { requestId: 'grpc-req-1', eventId: 'grpc-evt-1' },
    );
    assert.equal(result, GRPC_LOG_RESULT);
    const stored = await mongo.db.collection(LOGS_COLLECTION).findOne({ name: 'grpc-entry' });
    assert.equal(stored?.data, 'over gRPC');
    assert.equal(stored?.request_id, 'grpc-req-1');
    assert.equal(stored?.event_id, 'grpc-evt-1');
  });

  test('when the same event id is written twice, then it is stored once and both calls succeed', async () => {
    const eventId = `grpc-dup-${Date.now()}`;
    assert.equal(await client.writeLog({ name: 'dup', data: '1' }, { eventId }), GRPC_LOG_RESULT);
    assert.equal(await client.writeLog({ name: 'dup', data: '2' }, { eventId }), GRPC_LOG_RESULT);
    assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({ event_id: eventId }), 1);
  });

  test('when the health service is checked, then the server and LogService are SERVING', async () => {
    assert.equal(await checkHealth(service.grpcAddress), 'SERVING');
    assert.equal(await checkHealth(service.grpcAddress, 'logs.LogService'), 'SERVING');
  });

  test('when the name is empty, then the client gets INVALID_ARGUMENT naming the field', async () => {
    await assert.rejects(client.writeLog({ name: '', data: 'x' }), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'invalid');
      assert.match(err.message, /name must not be empty/);
      return true;
    });
  });

  test('when data is too long or logEntry missing, then the raw status is INVALID_ARGUMENT with details', async () => {
    const { Client } = loadLogService();
    const raw = new Client(
      service.grpcAddress,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & {
      WriteLog: (req: unknown, cb: (err: grpc.ServiceError | null, res?: { result: string }) => void) => void;
    };
    const call = (request: unknown) =>
      new Promise<grpc.ServiceError | null>((resolve) => raw.WriteLog(request, (err) => resolve(err)));
    try {
      const tooLong = await call({ logEntry: { name: 'n', data: 'x'.repeat(65_537) } });
      assert.equal(tooLong?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(tooLong?.details ?? '', /data must be at most 65536 characters/);
      const missing = await call({});
      assert.equal(missing?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(missing?.details ?? '', /logEntry is required/);
      assert.equal(await checkHealth(service.grpcAddress), 'SERVING');
    } finally {
      raw.close();
    }
  });
});
