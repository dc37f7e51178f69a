import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogRpcClient, PeerError, type PeerErrorKind, readLines } from '../../src/index.js';

interface Request {
  id: number;
  params: Record<string, unknown>;
}

type Behaviour = (request: Request, reply: (body: object) => void, socket: net.Socket) => void;

const answer = (request: Request) => ({
  jsonrpc: '2.0',
  id: request.id,
  result: `Processed payload via RPC: ${request.params.name}`,
});

/** A JSON-RPC peer whose answer to each request a test scripts; it counts the connections it accepts. */
async function startPeer() {
  const connections: net.Socket[] = [];
  const received: Request[] = [];
  /** The byte length of every line received. */
  const lineBytes: number[] = [];
  const state: { behaviour: Behaviour } = { behaviour: (request, reply) => reply(answer(request)) };
  const server = net.createServer((socket) => {
    connections.push(socket);
    socket.on('error', () => undefined);
    readLines(socket, {
      maxLineBytes: 1 << 22,
      onLine: (line) => {
        lineBytes.push(Buffer.byteLength(line));
        const parsed = JSON.parse(line) as Request | Request[];
        if (Array.isArray(parsed)) {
          // A batch is answered with one array, in the order of its calls.
          received.push(...parsed);
          socket.write(`${JSON.stringify(parsed.map(answer))}\n`);
          return;
        }
        received.push(parsed);
        state.behaviour(parsed, (body) => socket.write(`${JSON.stringify(body)}\n`), socket);
      },
      onOverflow: () => socket.destroy(),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections,
    received,
    lineBytes,
    state,
    close() {
      for (const socket of connections) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function rejectsAs(kind: PeerErrorKind, detail?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof PeerError, String(err));
    assert.equal(err.peer, 'logger-service (JSON-RPC)');
    assert.equal(err.kind, kind, err.message);
    if (detail) assert.match(err.detail, detail);
    return true;
  };
}

describe('createLogRpcClient', () => {
  let peer: Awaited<ReturnType<typeof startPeer>>;

  before(async () => {
    peer = await startPeer();
  });
  after(() => peer.close());

  test('when 200 calls are pipelined and answered out of order, then each gets its own answer over one connection', async () => {
    // Every tenth call is held until all 200 have arrived, so those answers come after later ids'.
    const held: Array<() => void> = [];
    peer.state.behaviour = (request, reply) => {
      const send = () => reply(answer(request));
      if (request.params.name === 'slow') held.push(send);
      else send();
      if (peer.received.length % 200 === 0) for (const release of held.splice(0)) release();
    };
    peer.received.length = 0;
    const client = createLogRpcClient({ address: peer.address });
    const connectionsBefore = peer.connections.length;
    const names = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 'slow' : `n${i}`));

    const results = await Promise.all(names.map((name) => client.logInfo({ name, data: 'd' })));

    assert.deepEqual(
      results,
      names.map((name) => `Processed payload via RPC: ${name}`),
    );
    assert.equal(peer.connections.length - connectionsBefore, 1);
    client.close();
  });

  test('when a batch would not fit the line limit, then it leaves as several lines within it and every call is answered', async () => {
    peer.lineBytes.length = 0;
    const client = createLogRpcClient({ address: peer.address, maxRequestLineBytes: 5000 });
    const names = Array.from({ length: 6 }, (_, i) => `batched-${i}`);
    const results = await Promise.all(
      client.logInfoBatch(names.map((name) => ({ entry: { name, data: 'x'.repeat(2000) } }))),
    );
    assert.deepEqual(
      results,
      names.map((name) => `Processed payload via RPC: ${name}`),
    );
    assert.equal(peer.lineBytes.length, 3, `two calls per line: ${peer.lineBytes.join(', ')}`);
    for (const bytes of peer.lineBytes) assert.ok(bytes <= 5000, `a line of ${bytes} bytes`);
    client.close();
  });

  test('when one call is longer than a line may be, then it fails as invalid without being sent and the others are answered', async () => {
    peer.lineBytes.length = 0;
    const client = createLogRpcClient({ address: peer.address, maxRequestLineBytes: 5000 });
    const [big, small] = client.logInfoBatch([
      { entry: { name: 'too-long', data: 'x'.repeat(6000) } },
      { entry: { name: 'fits', data: 'x' } },
    ]);
    await assert.rejects(big!, rejectsAs('invalid', /more than the 5000 bytes a line may hold/));
    assert.equal(await small, 'Processed payload via RPC: fits');
    await assert.rejects(client.logInfo({ name: 'too-long', data: 'x'.repeat(6000) }), rejectsAs('invalid'));
    assert.equal(peer.lineBytes.length, 1, 'only the call that fits was sent');
    client.close();
  });

  test('when the caller passes a request id and an event id, then both travel as params', async () => {
    peer.state.behaviour = (request, reply) => reply(answer(request));
    const client = createLogRpcClient({ address: peer.address });
    await client.logInfo({ name: 'ids', data: 'd' }, { eventId: 'ev-1', requestId: 'req-9' });
    assert.deepEqual(peer.received.at(-1)?.params, {
      name: 'ids',
      data: 'd',
      request_id: 'req-9',
      event_id: 'ev-1',
    });
    client.close();
  });

  test('when the peer rejects the params, then the call fails as invalid with its message', async () => {
    peer.state.behaviour = (request, reply) =>
      reply({ jsonrpc: '2.0', id: request.id, error: { code: -32602, message: 'name is required' } });
    const client = createLogRpcClient({ address: peer.address });
    await assert.rejects(
      client.logInfo({ name: 'bad', data: '' }),
      rejectsAs('invalid', /^name is required$/),
    );
    client.close();
  });

  test('when the peer answers an internal error, then the call fails as refused', async () => {
    peer.state.behaviour = (request, reply) =>
      reply({ jsonrpc: '2.0', id: request.id, error: { code: -32603, message: 'MongoDB is unreachable' } });
    const client = createLogRpcClient({ address: peer.address });
    await assert.rejects(client.logInfo({ name: 'n', data: 'd' }), rejectsAs('refused', /MongoDB/));
    client.close();
  });

  test('when the connection drops under a call, then that call fails as unreachable and the next one dials again', async () => {
    peer.state.behaviour = (request, reply, socket) => {
      if (request.params.name === 'drop') socket.destroy();
      else reply(answer(request));
    };
    const client = createLogRpcClient({ address: peer.address });
    await client.logInfo({ name: 'first', data: 'd' });
    const connectionsBefore = peer.connections.length;

    await assert.rejects(client.logInfo({ name: 'drop', data: 'd' }), rejectsAs('unreachable'));

    assert.equal(await client.logInfo({ name: 'second', data: 'd' }), 'Processed payload via RPC: second');
    assert.equal(peer.connections.length - connectionsBefore, 1, 'one new connection');
    client.close();
  });

  test('when nothing listens, then the call fails as unreachable', async () => {
    const client = createLogRpcClient({ address: '127.0.0.1:1', timeoutMs: 1000 });
    await assert.rejects(client.logInfo({ name: 'x', data: 'd' }), rejectsAs('unreachable'));
    client.close();
  });

  test('when the peer never answers, then the call fails as timeout', async () => {
    peer.state.behaviour = () => undefined;
    const client = createLogRpcClient({ address: peer.address, timeoutMs: 100 });
    await assert.rejects(client.logInfo({ name: 'x', data: 'd' }), rejectsAs('timeout'));
    client.close();
  });

  test('when calls time out repeatedly, then the client drops that connection and the next call dials a fresh one', async () => {
    // The first connection swallows everything (a paused peer, or a half-open socket); later ones answer.
    const stalled = peer.connections.length;
    peer.state.behaviour = (request, reply, socket) => {
      if (peer.connections.indexOf(socket) > stalled) reply(answer(request));
    };
    const client = createLogRpcClient({ address: peer.address, timeoutMs: 100, redialAfterTimeouts: 2 });
    await assert.rejects(client.logInfo({ name: 'a', data: 'd' }), rejectsAs('timeout'));
    await assert.rejects(client.logInfo({ name: 'b', data: 'd' }), rejectsAs('timeout'));

    assert.equal(await client.logInfo({ name: 'c', data: 'd' }), 'Processed payload via RPC: c');
    assert.equal(peer.connections.length - stalled, 2);
    client.close();
  });

  test('when as many calls as allowed are in flight, then one more fails at once as overloaded', async () => {
    peer.state.behaviour = () => undefined;
    const client = createLogRpcClient({ address: peer.address, timeoutMs: 30_000, maxInFlight: 5 });
    const inFlight = Array.from({ length: 5 }, (_, i) => client.logInfo({ name: `held-${i}`, data: 'd' }));

    await assert.rejects(client.logInfo({ name: 'one-more', data: 'd' }), rejectsAs('overloaded'));

    client.close();
    for (const call of inFlight) await assert.rejects(call, rejectsAs('unreachable', /closed/));
  });

  test('when the peer stops reading, then calls fail as overloaded once the buffer bound is reached', async () => {
    let stalledSocket: net.Socket | undefined;
    peer.state.behaviour = (_request, _reply, socket) => {
      // Stop reading at the first request: what the client writes from here on piles up.
      stalledSocket = socket;
      socket.pause();
    };
    const client = createLogRpcClient({
      address: peer.address,
      timeoutMs: 30_000,
      maxInFlight: 100_000,
      maxBufferedBytes: 256 * 1024,
    });
    const data = 'x'.repeat(60_000);
    let overloaded: PeerError | undefined;
    for (let i = 0; i < 2000 && !overloaded; i++) {
      client.logInfo({ name: `big-${i}`, data }).catch((err: unknown) => {
        if (err instanceof PeerError && err.kind === 'overloaded') overloaded ??= err;
      });
      // One turn of the event loop per call, as a live caller's would: the socket flushes what it can.
      await new Promise((resolve) => setImmediate(resolve));
    }

    assert.ok(overloaded, 'no call was refused while the peer did not read');
    rejectsAs('overloaded', /bytes waiting/)(overloaded);
    client.close();
    stalledSocket?.destroy();
  });
});
