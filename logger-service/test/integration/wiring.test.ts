import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogGrpcClient, createLogRpcClient } from '@suite/proto';
import { serviceOnTestMongo } from '../support/service.js';

describe('the service as buildLoggerService wires it', () => {
  const env = serviceOnTestMongo();

  const written = async (transport: string, kind: string, outcome: string) => {
    const metrics = await (await fetch(`${env.service.httpUrl}/metrics`)).text();
    const line = new RegExp(
      `^logger_entries_written_total\\{transport="${transport}",kind="${kind}",outcome="${outcome}"[^}]*\\} (\\d+)$`,
      'm',
    ).exec(metrics);
    return line ? Number(line[1]) : 0;
  };

  test('when an entry arrives over each transport, then /metrics counts it under that transport', async () => {
    const http = await fetch(`${env.service.httpUrl}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'wired', data: 'http' }),
    });
    assert.equal(http.status, 202);

    const rpc = createLogRpcClient({ address: `127.0.0.1:${env.service.rpcPort}` });
    const grpc = createLogGrpcClient({ address: env.service.grpcAddress });
    try {
      await rpc.logInfo({ name: 'wired', data: 'rpc' });
      await rpc.logInfo({ name: 'wired', data: 'rpc' });
      await grpc.writeLog({ name: 'wired', data: 'grpc' }, { eventId: 'wired-event-1' });
      await grpc.writeLog({ name: 'wired', data: 'grpc' }, { eventId: 'wired-event-1' });
    } finally {
      rpc.close();
      grpc.close();
    }

    assert.equal(await written('http', 'request', 'stored'), 1);
    assert.equal(await written('rpc', 'request', 'stored'), 2);
    assert.equal(await written('grpc', 'event', 'stored'), 1);
    assert.equal(await written('grpc', 'event', 'duplicate'), 1);
    assert.equal(await env.mongo.db.collection('logs').countDocuments({ name: 'wired' }), 4);
  });
});
