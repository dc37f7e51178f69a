import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { TEST_ADMIN_PASSWORD } from '../../src/admin-password.js';
import { formatLogLine } from '../../src/log-format.js';
import {
  bindAddresses,
  containerHeapOptions,
  FIXED_PORTS,
  readiness,
  SERVICE_MEMORY_LIMIT_MB,
  SERVICE_NAMES,
  SERVICE_NODE_OPTIONS,
  serviceEnv,
  serviceNodeOptions,
  type Wiring,
} from '../../src/services.js';

const wiring: Wiring = {
  ports: { ...FIXED_PORTS },
  host: '127.0.0.1',
  bindHost: '127.0.0.1',
  seedPassword: TEST_ADMIN_PASSWORD,
  databaseUrl: 'postgres://postgres:password@127.0.0.1:5432/users',
  mongoUrl: 'mongodb://127.0.0.1:27017/logs',
  rabbitUrl: 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: 'redis://127.0.0.1:6379',
  mailHost: '127.0.0.1',
  mailPort: 1025,
  queueName: 'logs',
  exchangeName: 'logs_topic',
};

describe('service wiring', () => {
  test('when the fixed plan is used, then every peer address matches the ports the README documents', () => {
    const broker = serviceEnv('broker-service', wiring);
    assert.equal(broker.PORT, '8080');
    assert.equal(broker.AUTH_SERVICE_URL, 'http://127.0.0.1:8083');
    assert.equal(broker.MAIL_SERVICE_URL, 'http://127.0.0.1:8084');
    assert.equal(broker.LOGGER_SERVICE_URL, 'http://127.0.0.1:8082');
    assert.equal(broker.LOGGER_RPC_ADDR, '127.0.0.1:5001');
    assert.equal(broker.LOGGER_GRPC_ADDR, '127.0.0.1:50001');
    assert.equal(broker.CORS_ORIGINS, 'http://localhost:8081,http://127.0.0.1:8081');
    assert.equal(serviceEnv('front-end', wiring).BROKER_URL, 'http://localhost:8080');
    const listener = serviceEnv('listener-service', wiring);
    assert.equal(listener.PORT, '8085');
    assert.equal(listener.LOGGER_RPC_ADDR, broker.LOGGER_RPC_ADDR);
    assert.equal(listener.QUEUE_NAME, broker.QUEUE_NAME);
    assert.equal(listener.EXCHANGE_NAME, broker.EXCHANGE_NAME);
    const logger = serviceEnv('logger-service', wiring);
    assert.deepEqual([logger.PORT, logger.RPC_PORT, logger.GRPC_PORT], ['8082', '5001', '50001']);
  });

  test('when each service is wired, then its environment passes its own configuration schema', async () => {
    for (const name of SERVICE_NAMES) {
      const { readConfig } = await import(`../../../../${name}/src/config.ts`);
      assert.doesNotThrow(
        () => readConfig(serviceEnv(name, wiring)),
        `${name} rejects the launcher's environment`,
      );
    }
  });

  test('when BIND_HOST is not set, then every service binds 127.0.0.1; when it is, then that address', () => {
    for (const name of SERVICE_NAMES) {
      assert.equal(serviceEnv(name, wiring).BIND_HOST, '127.0.0.1', name);
    }
    assert.deepEqual(bindAddresses(undefined), { bindHost: '127.0.0.1', peerHost: '127.0.0.1' });
    assert.deepEqual(bindAddresses(''), { bindHost: '127.0.0.1', peerHost: '127.0.0.1' });
    assert.deepEqual(bindAddresses('0.0.0.0'), { bindHost: '0.0.0.0', peerHost: '127.0.0.1' });
    assert.deepEqual(bindAddresses('::'), { bindHost: '::', peerHost: '127.0.0.1' });
    assert.deepEqual(bindAddresses('192.168.1.20'), { bindHost: '192.168.1.20', peerHost: '192.168.1.20' });
    assert.throws(() => bindAddresses('fe80::1'), /BIND_HOST must be an IPv4 address/);
  });

  test('when readiness is polled, then each service is asked on its own port', () => {
    assert.equal(readiness('listener-service', wiring).url, 'http://127.0.0.1:8085/readyz');
    assert.equal(readiness('front-end', wiring).url, 'http://127.0.0.1:8081/readyz');
  });

  test('when the broker is polled, then it counts as ready only once its dependency report shows RabbitMQ and Redis ok', async () => {
    const broker = readiness('broker-service', wiring);
    assert.equal(broker.url, 'http://127.0.0.1:8080/health/dependencies');
    const report = (data: Record<string, string>, status: number) =>
      new Response(JSON.stringify({ error: status !== 200, data }), { status });
    assert.equal(
      await broker.isReady(report({ rabbitmq: 'down', redis: 'ok', 'logger-service': 'ok' }, 503)),
      false,
    );
    assert.equal(
      await broker.isReady(report({ rabbitmq: 'ok', redis: 'down', 'logger-service': 'ok' }, 503)),
      false,
    );
    assert.equal(
      await broker.isReady(report({ rabbitmq: 'ok', redis: 'ok', 'logger-service': 'down' }, 503)),
      true,
    );
  });

  test('when the limits are counted, then the authentication-service and the broker share one Redis, and a test run has its own key prefix', () => {
    for (const name of ['authentication-service', 'broker-service'] as const) {
      assert.equal(serviceEnv(name, wiring).REDIS_URL, 'redis://127.0.0.1:6379');
      assert.equal(serviceEnv(name, wiring).REDIS_KEY_PREFIX, undefined, 'make run keeps the default');
      assert.equal(
        serviceEnv(name, { ...wiring, redisKeyPrefix: 'suite_ab12:' }).REDIS_KEY_PREFIX,
        'suite_ab12:',
      );
    }
  });
});

describe('log lines', () => {
  test('when a pino line arrives, then it becomes one short human line with its extra fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 0, 1, 12, 0, 0),
      msg: 'waiting',
      pid: 1,
      dependency: 'db',
    });
    assert.equal(formatLogLine(line, false), '12:00:00.000 WARN waiting dependency=db');
  });

  test('when a line is not JSON, then it passes through untouched', () => {
    assert.equal(formatLogLine('plain text {', false), 'plain text {');
    assert.equal(formatLogLine('{not json', false), '{not json');
  });

  test('when a service starts, then it gets the heap setting with no fixed cap, and flags the caller gives come after it', () => {
    assert.match(SERVICE_NODE_OPTIONS, /--max-old-space-size-percentage=\d+/);
    assert.doesNotMatch(SERVICE_NODE_OPTIONS, /--max-old-space-size=/);
    assert.equal(serviceNodeOptions(undefined), SERVICE_NODE_OPTIONS);
    assert.equal(serviceNodeOptions(''), SERVICE_NODE_OPTIONS);
    assert.equal(
      serviceNodeOptions('--max-old-space-size-percentage=75'),
      `${SERVICE_NODE_OPTIONS} --max-old-space-size-percentage=75`,
    );
  });

  test("when Node runs with the setting, then its heap limit is that share of the memory it has (its container limit, else the machine) plus the young generation, and a caller's share wins", () => {
    const MB = 1024 * 1024;
    const semiSpaceMb = Number(/--max-semi-space-size=(\d+)/.exec(SERVICE_NODE_OPTIONS)?.[1]);
    // What Node sizes the heap by: the cgroup limit when there is one below the machine's memory.
    const probe = `const os = require('node:os');
      const limit = process.constrainedMemory();
      const has = limit > 0 && limit < os.totalmem() ? limit : os.totalmem();
      console.log(JSON.stringify({ heap: require('node:v8').getHeapStatistics().heap_size_limit, has }));`;
    const heapWith = (options: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['-e', probe], {
          env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: options },
          encoding: 'utf8',
        }),
      ) as { heap: number; has: number };
    for (const [options, share] of [
      [SERVICE_NODE_OPTIONS, Number(/percentage=(\d+)/.exec(SERVICE_NODE_OPTIONS)?.[1]) / 100],
      [serviceNodeOptions('--max-old-space-size-percentage=75'), 0.75],
    ] as const) {
      const { heap, has } = heapWith(options);
      // The young generation is three semi-spaces' worth on top of the old generation's share.
      const expected = share * has + 3 * semiSpaceMb * MB;
      assert.ok(
        Math.abs(heap - expected) < 0.02 * expected,
        `${options}: heap limit ${(heap / MB).toFixed(0)} MB, expected about ${(expected / MB).toFixed(0)} MB of ${(has / MB).toFixed(0)} MB`,
      );
    }
  });

  test("when a service is sized as in the manifests' container, then its old generation is the setting's share of that limit whatever the machine has", () => {
    const MB = 1024 * 1024;
    const share = Number(/percentage=(\d+)/.exec(SERVICE_NODE_OPTIONS)?.[1]) / 100;
    const semiSpaceMb = Number(/--max-semi-space-size=(\d+)/.exec(SERVICE_NODE_OPTIONS)?.[1]);
    for (const limitMb of [SERVICE_MEMORY_LIMIT_MB, 1024]) {
      const options = serviceNodeOptions(containerHeapOptions(limitMb));
      const heap = Number(
        execFileSync(process.execPath, ['-p', "require('node:v8').getHeapStatistics().heap_size_limit"], {
          env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: options },
          encoding: 'utf8',
        }),
      );
      const expected = (share * limitMb + 3 * semiSpaceMb) * MB;
      assert.ok(
        Math.abs(heap - expected) < 0.02 * expected,
        `${limitMb} MB: heap limit ${(heap / MB).toFixed(0)} MB, expected about ${(expected / MB).toFixed(0)} MB`,
      );
    }
  });
});
