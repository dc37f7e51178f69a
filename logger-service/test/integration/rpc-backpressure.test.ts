import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { containerHeapOptions, SERVICE_MEMORY_LIMIT_MB, SERVICE_NODE_OPTIONS } from '@suite/launcher';
import { type Child, startChild } from '../support/child.js';
import { LineSocket } from '../support/line-socket.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const MB = 1024 * 1024;
/** What the client tries to push: far more than the logger could hold if it kept reading. */
const FLOOD_BYTES = 256 * MB;
const ALLOWED_GROWTH_BYTES = 100 * MB;

/** Resolves true on 'drain', false when none comes within `ms`: the peer has stopped reading. */
function drained(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('drain', onDrain);
      resolve(false);
    }, ms);
    const onDrain = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('drain', onDrain);
  });
}

describe('JSON-RPC client that never reads its answers (the logger as its own process)', () => {
  let mongo: TestMongo;
  let logger: Child;
  let rpcPort: number;

  before(async () => {
    mongo = await startTestMongo();
    logger = await startChild(
      MAIN,
      {
        BIND_HOST: '127.0.0.1',
        PORT: '0',
        RPC_PORT: '0',
        GRPC_PORT: '0',
        MONGO_URL: mongo.url,
        AUTH_SERVICE_URL: 'http://127.0.0.1:9',
        SESSION_SECRET: 'b'.repeat(64),
        LOG_LEVEL: 'info',
        // Its heap as in the manifests' container, whose limit it must stay under.
        NODE_OPTIONS: `${SERVICE_NODE_OPTIONS} ${containerHeapOptions()}`,
      },
      /"msg":"listening"/,
    );
    rpcPort = JSON.parse(logger.line).rpcPort;
  });
  after(async () => {
    await logger?.stop();
    await mongo?.close();
  });

  test('when a client floods lines and never reads, then the logger stops reading it, its memory stays bounded under its container limit and another client is answered', async (t) => {
    const good = await LineSocket.connect(rpcPort);
    const call = async (id: number) => {
      good.sendJson({ jsonrpc: '2.0', id, method: 'LogInfo', params: { name: 'good-client', data: 'd' } });
      assert.equal((await good.nextJson(5000)).result, 'Processed payload via RPC: good-client');
    };
    await call(0);
    const baseline = logger.rssBytes();

    const bad = net.connect({ host: '127.0.0.1', port: rpcPort });
    bad.on('error', () => {});
    await new Promise((resolve) => bad.once('connect', resolve));
    bad.pause(); // never reads a single answer
    const chunk = Buffer.from('x\n'.repeat(32 * 1024));
    let written = 0;
    let peak = baseline;
    let stalled = false;
    let id = 1;
    while (written < FLOOD_BYTES) {
      written += chunk.length;
      if (!bad.write(chunk) && !(await drained(bad, 3000))) {
        stalled = true;
        break;
      }
      if (written % (16 * MB) === 0) {
        await call(id++);
        peak = Math.max(peak, logger.rssBytes());
      }
    }
    for (let i = 0; i < 20; i++) await call(id++);
    peak = Math.max(peak, logger.rssBytes());
    t.diagnostic(
      `flood: ${(written / MB).toFixed(1)} MB written before the logger stopped reading; logger RSS ${(baseline / MB).toFixed(0)} -> peak ${(peak / MB).toFixed(0)} MB`,
    );
    bad.destroy();
    good.close();

    assert.ok(stalled, `the logger read all ${FLOOD_BYTES / MB} MB from a client that never reads`);
    assert.ok(
      peak - baseline < ALLOWED_GROWTH_BYTES,
      `logger memory grew by ${((peak - baseline) / MB).toFixed(0)} MB`,
    );
    assert.ok(
      peak < SERVICE_MEMORY_LIMIT_MB * MB,
      `logger peaked at ${(peak / MB).toFixed(0)} MB, over the manifests' ${SERVICE_MEMORY_LIMIT_MB} MB`,
    );
  });
});
