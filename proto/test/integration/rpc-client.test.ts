import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AppError, runWithRequestId } from '@suite/toolbox';
import { createLogRpcClient, readLines } from '../../src/index.js';

/** A minimal JSON-RPC peer that answers out of order, to prove responses are matched by id. */
function startPeer() {
  const connections: net.Socket[] = [];
  const received: Array<Record<string, unknown>> = [];
  const server = net.createServer((socket) => {
    connections.push(socket);
    readLines(socket, {
      maxLineBytes: 1 << 20,
      onLine: (line) => {
        const request = JSON.parse(line);
        received.push(request.params);
        const delay = request.params.name === 'slow' ? 50 : 0;
        setTimeout(() => {
          const body =
            request.params.name === 'bad'
              ? { jsonrpc: '2.0', id: request.id, error: { code: -32602, message: 'name is required' } }
              : {
                  jsonrpc: '2.0',
                  id: request.id,
                  result: `Processed payload via RPC: ${request.params.name}`,
                };
          socket.write(`${JSON.stringify(body)}\n`);
        }, delay);
      },
      onOverflow: () => socket.destroy(),
    });
  });
  return { server, connections, received };
}

describe('createLogRpcClient', () => {
  const peer = startPeer();
  let address: string;

  before(async () => {
    await new Promise<void>((r) => peer.server.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(peer.server.address() as net.AddressInfo).port}`;
  });
  after(() => {
    for (const socket of peer.connections) socket.destroy();
    return new Promise((r) => peer.server.close(r));
  });

  test('when 200 calls are pipelined, then all succeed over one connection, matched by id', async () => {
    const client = createLogRpcClient({ address });
    const before = peer.connections.length;
    const names = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 'slow' : `n${i}`));
    const results = await Promise.all(names.map((name) => client.logInfo({ name, data: 'd' })));
    assert.deepEqual(
      results,
      names.map((name) => `Processed payload via RPC: ${name}`),
    );
    assert.equal(peer.connections.length - before, 1);
    client.close();
  });

  test('when called inside a request context, then the request id and event id travel as params', async () => {
    const client = createLogRpcClient({ address });
    await runWithRequestId('req-9', () => client.logInfo({ name: 'ids', data: 'd' }, { eventId: 'ev-1' }));
    assert.deepEqual(peer.received.at(-1), { name: 'ids', data: 'd', request_id: 'req-9', event_id: 'ev-1' });
    client.close();
  });

  test('when the peer rejects the params, then a 400 AppError carries its message', async () => {
    const client = createLogRpcClient({ address });
    await assert.rejects(client.logInfo({ name: 'bad', data: '' }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 400);
      assert.equal(err.message, 'name is required');
      return true;
    });
    client.close();
  });

  test('when the connection drops, then the next call dials again and succeeds', async () => {
    const client = createLogRpcClient({ address });
    await client.logInfo({ name: 'first', data: 'd' });
    peer.connections.at(-1)!.destroy();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await client.logInfo({ name: 'second', data: 'd' }), 'Processed payload via RPC: second');
    client.close();
  });

  test('when nothing listens, then the call fails with 502 naming the logger', async () => {
    const client = createLogRpcClient({ address: '127.0.0.1:1', timeoutMs: 1000 });
    await assert.rejects(client.logInfo({ name: 'x', data: 'd' }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 502);
      assert.equal(err.message, 'logger-service (JSON-RPC) is unreachable');
      return true;
    });
    client.close();
  });

  test('when the peer never answers, then the call fails with 504 after the timeout', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const client = createLogRpcClient({
      address: `127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
      timeoutMs: 100,
    });
    await assert.rejects(client.logInfo({ name: 'x', data: 'd' }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 504);
      return true;
    });
    client.close();
    for (const socket of held) socket.destroy();
    await new Promise((r) => silent.close(r));
  });
});
