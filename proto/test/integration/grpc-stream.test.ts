import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  createLogStreamClient,
  type LogGrpcClient,
  type LogRequest,
  type LogStreamEntry,
  type LogStreamResult,
  loadLogService,
  PeerError,
} from '../../src/index.js';

type StreamCall = grpc.ServerDuplexStream<LogStreamEntry, LogStreamResult>;

/**
 * A scripted LogService: every entry is handed to `onEntry`, which answers it now, later or never.
 * It records each entry, the streams opened and whether unary WriteLog was used.
 */
class ScriptedLogger {
  readonly entries: LogStreamEntry[] = [];
  readonly streams: StreamCall[] = [];
  readonly unary: LogRequest[] = [];
  onEntry: (entry: LogStreamEntry, answer: (result: Partial<LogStreamResult>) => void) => void = (
    entry,
    answer,
  ) => answer({ result: `stored ${entry.logEntry?.name}` });
  private server?: grpc.Server;

  /** Binds on `port` (0: an ephemeral one); without `stream` the server has only unary WriteLog. */
  async start(port = 0, options: { stream?: boolean } = {}): Promise<number> {
    const server = new grpc.Server();
    const handlers: grpc.UntypedServiceImplementation = {
      WriteLog: (call: grpc.ServerUnaryCall<LogRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        this.unary.push(call.request);
        callback(null, { result: `unary ${call.request.logEntry?.name}` });
      },
    };
    if (options.stream !== false) {
      handlers.WriteLogStream = (call: StreamCall) => {
        this.streams.push(call);
        // Like the logger: a half-closed stream is ended once what it holds is answered.
        let unanswered = 0;
        let halfClosed = false;
        const endIfDone = () => halfClosed && unanswered === 0 && !call.writableEnded && call.end();
        call.on('data', (entry: LogStreamEntry) => {
          this.entries.push(entry);
          unanswered++;
          this.onEntry(entry, (result) => {
            unanswered--;
            if (!call.writableEnded)
              call.write({ id: entry.id, code: 0, result: '', details: '', ...result });
            endIfDone();
          });
        });
        call.on('end', () => {
          halfClosed = true;
          endIfDone();
        });
        call.on('error', () => {});
      };
    }
    server.addService(loadLogService().service, handlers);
    this.server = server;
    return new Promise((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
  }

  /** Cuts every connection and stream at once, as a crashed or killed logger does. */
  kill(): void {
    this.server?.forceShutdown();
  }
}

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    (result) => `ok: ${String(result)}`,
    (err: unknown) => (err instanceof PeerError ? `${err.kind}: ${err.peer}` : `other: ${String(err)}`),
  );

describe('WriteLogStream client', () => {
  let logger: ScriptedLogger;
  let client: LogGrpcClient | undefined;
  let address: string;

  before(async () => {
    logger = new ScriptedLogger();
    address = `127.0.0.1:${await logger.start()}`;
  });
  afterEach(() => {
    client?.close();
    client = undefined;
    logger.onEntry = (entry, answer) => answer({ result: `stored ${entry.logEntry?.name}` });
  });
  after(() => logger.kill());

  test('when many entries are in flight and answered in reverse order, then each gets its own result and request id travels with it', async () => {
    const held: Array<() => void> = [];
    logger.onEntry = (entry, answer) => {
      held.push(() => answer({ result: `stored ${entry.logEntry?.name} for ${entry.request_id}` }));
      if (held.length === 50) for (const release of held.reverse()) release();
    };
    client = createLogStreamClient({ address });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client!.writeLog({ name: `e${i}`, data: 'd' }, { requestId: `req-${i}`, eventId: `evt-${i}` }),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 50 }, (_, i) => `stored e${i} for req-${i}`),
    );
    const mine = logger.entries.slice(-50);
    assert.deepEqual(new Set(mine.map((e) => e.event_id)).size, 50);
    assert.ok(mine.every((e) => e.event_id === `evt-${e.logEntry?.name?.slice(1)}`));
  });

  test('when the logger refuses one entry, then that entry alone fails with its own kind and the stream goes on', async () => {
    const opened = logger.streams.length;
    logger.onEntry = (entry, answer) => {
      if (entry.logEntry?.name === 'bad')
        answer({ code: grpc.status.INVALID_ARGUMENT, details: 'name is bad' });
      else if (entry.logEntry?.name === 'down')
        answer({ code: grpc.status.UNAVAILABLE, details: 'no MongoDB' });
      else answer({ result: 'logged!' });
    };
    client = createLogStreamClient({ address });
    const outcomes = await Promise.all(
      ['ok1', 'bad', 'ok2', 'down', 'ok3'].map((name) => kindOf(client!.writeLog({ name, data: 'd' }))),
    );
    assert.deepEqual(outcomes, [
      'ok: logged!',
      'invalid: logger-service (gRPC)',
      'ok: logged!',
      'unreachable: logger-service (gRPC)',
      'ok: logged!',
    ]);
    const err = await client.writeLog({ name: 'bad', data: 'd' }).catch((e: unknown) => e);
    assert.ok(err instanceof PeerError);
    assert.equal(err.detail, 'name is bad');
    assert.equal(logger.streams.length, opened + 1, 'every entry went over one stream');
  });

  test('when one entry is never answered, then it alone times out at its own deadline and later entries succeed', async () => {
    logger.onEntry = (entry, answer) => {
      if (entry.logEntry?.name !== 'hold') answer({ result: 'logged!' });
    };
    client = createLogStreamClient({ address, timeoutMs: 300 });
    const started = Date.now();
    const held = kindOf(client.writeLog({ name: 'hold', data: 'd' }));
    const answered = await client.writeLog({ name: 'quick', data: 'd' });
    assert.equal(answered, 'logged!');
    assert.equal(await held, 'timeout: logger-service (gRPC)');
    assert.ok(Date.now() - started >= 290, 'timed out before its deadline');
    assert.equal(await client.writeLog({ name: 'after', data: 'd' }), 'logged!');
  });

  test('when the client holds its bound of entries, then one more fails at once as overloaded', async () => {
    const release: Array<() => void> = [];
    logger.onEntry = (_entry, answer) => release.push(() => answer({ result: 'logged!' }));
    client = createLogStreamClient({ address, maxInFlight: 2 });
    const first = client.writeLog({ name: 'a', data: 'd' });
    const second = client.writeLog({ name: 'b', data: 'd' });
    assert.equal(
      await kindOf(client.writeLog({ name: 'c', data: 'd' })),
      'overloaded: logger-service (gRPC)',
    );
    while (release.length < 2) await new Promise((r) => setTimeout(r, 5));
    for (const answer of release) answer();
    assert.deepEqual(await Promise.all([first, second]), ['logged!', 'logged!']);
  });

  test('when a stream reaches its age, then the next entry opens another and the old one still answers what it held', async () => {
    const release: Array<() => void> = [];
    logger.onEntry = (entry, answer) => {
      if (entry.logEntry?.name === 'slow') release.push(() => answer({ result: 'late but logged' }));
      else answer({ result: 'logged!' });
    };
    client = createLogStreamClient({ address, streamMaxAgeMs: 1 });
    const opened = logger.streams.length;
    const slow = client.writeLog({ name: 'slow', data: 'd' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await client.writeLog({ name: 'next', data: 'd' }), 'logged!');
    assert.equal(logger.streams.length, opened + 2);
    release[0]!();
    assert.equal(await slow, 'late but logged');
  });
});

describe('WriteLogStream client when the logger breaks or is old', () => {
  test('when the logger dies with entries in flight, then only those fail as unreachable and the next call after its restart succeeds', async () => {
    const first = new ScriptedLogger();
    const port = await first.start();
    first.onEntry = (entry, answer) => {
      if (entry.logEntry?.name !== 'in-flight') answer({ result: 'logged!' });
    };
    const client = createLogStreamClient({ address: `127.0.0.1:${port}`, timeoutMs: 5000 });
    try {
      assert.equal(await client.writeLog({ name: 'before', data: 'd' }), 'logged!');
      const inFlight = [1, 2, 3].map(() => kindOf(client.writeLog({ name: 'in-flight', data: 'd' })));
      while (first.entries.length < 4) await new Promise((r) => setTimeout(r, 5));
      first.kill();
      assert.deepEqual(await Promise.all(inFlight), Array(3).fill('unreachable: logger-service (gRPC)'));

      const second = new ScriptedLogger();
      await second.start(port);
      try {
        assert.equal(await client.writeLog({ name: 'after', data: 'd' }), 'stored after');
        assert.deepEqual(
          second.entries.map((e) => e.logEntry?.name),
          ['after'],
        );
      } finally {
        second.kill();
      }
    } finally {
      client.close();
    }
  });

  test('when the logger has no WriteLogStream (the original suite), then entries go through unary WriteLog', async () => {
    const old = new ScriptedLogger();
    const port = await old.start(0, { stream: false });
    const client = createLogStreamClient({ address: `127.0.0.1:${port}` });
    try {
      const results = await Promise.all(
        ['a', 'b', 'c'].map((name) => client.writeLog({ name, data: 'd' }, { requestId: `r-${name}` })),
      );
      assert.deepEqual(results, ['unary a', 'unary b', 'unary c']);
      assert.equal(await client.writeLog({ name: 'd', data: 'd' }), 'unary d');
      assert.deepEqual(old.unary.map((r) => r.logEntry?.name).sort(), ['a', 'b', 'c', 'd']);
    } finally {
      client.close();
      old.kill();
    }
  });
});
