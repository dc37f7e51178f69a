import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closedPort } from '@suite/test-kit';
import {
  assertEventTopology,
  attemptsOf,
  createEventPublisher,
  type EventPublisher,
  eventTopology,
  PeerError,
  type ProtoLogger,
  retryDelayMs,
} from '../../src/index.js';

const silent: ProtoLogger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('event publisher without RabbitMQ', () => {
  let emitter: EventPublisher;

  before(async () => {
    emitter = createEventPublisher({
      url: `amqp://guest:guest@127.0.0.1:${await closedPort()}`,
      logger: silent,
      publishTimeoutMs: 1000,
    });
  });
  after(() => emitter.close());

  test('when RabbitMQ is unreachable, then publish fails at once as unreachable naming rabbitmq', async () => {
    await assert.rejects(emitter.publish({ name: 'broker_hit', data: 'x' }), (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.deepEqual([err.peer, err.kind], ['rabbitmq', 'unreachable']);
      return true;
    });
  });

  test('when RabbitMQ is unreachable, then the readiness check rejects', async () => {
    assert.equal(emitter.isConnected(), false);
    await assert.rejects(emitter.ready(), /RabbitMQ not connected/);
  });

  test('when the event is invalid, then publish rejects as invalid before touching the bus', async () => {
    await assert.rejects(emitter.publish({ name: '', data: 'x' }), (err: unknown) => {
      assert.ok(err instanceof PeerError);
      assert.equal(err.kind, 'invalid');
      return true;
    });
  });
});

describe('retry schedule', () => {
  test('when attempts grow, then the delay ceiling doubles from the base up to the cap, and jitter takes off at most half', () => {
    const schedule = (random: () => number) =>
      [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, 1000, 10_000, random));
    assert.deepEqual(
      schedule(() => 1),
      [1000, 2000, 4000, 8000, 10_000, 10_000],
    );
    assert.deepEqual(
      schedule(() => 0),
      [500, 1000, 2000, 4000, 5000, 5000],
    );
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, 1000, 10_000));
    assert.ok(delays.every((d) => d >= 2000 && d <= 4000));
    assert.ok(new Set(delays).size > 1, 'the delay varies between events');
  });

  test('when the attempts header is missing or garbage, then it counts as zero', () => {
    assert.equal(attemptsOf(undefined), 0);
    assert.equal(attemptsOf({ 'x-attempts': 'abc' }), 0);
    assert.equal(attemptsOf({ 'x-attempts': -2 }), 0);
    assert.equal(attemptsOf({ 'x-attempts': '3' }), 3);
    assert.equal(attemptsOf({ 'x-attempts': 4 }), 4);
  });
});

describe('event topology', () => {
  test('when declared, then a durable topic exchange, a durable queue bound to the three keys, a retry delay line and a dead queue exist', async () => {
    const calls: unknown[][] = [];
    const channel = {
      assertExchange: async (...args: unknown[]) => calls.push(['exchange', ...args]),
      assertQueue: async (...args: unknown[]) => calls.push(['queue', ...args]),
      bindQueue: async (...args: unknown[]) => calls.push(['bind', ...args]),
    };
    await assertEventTopology(channel as never, eventTopology({ queue: 'logs' }));
    assert.deepEqual(calls, [
      ['exchange', 'logs_topic', 'topic', { durable: true }],
      ['queue', 'logs', { durable: true }],
      ['bind', 'logs', 'logs_topic', 'log.INFO'],
      ['bind', 'logs', 'logs_topic', 'log.WARNING'],
      ['bind', 'logs', 'logs_topic', 'log.ERROR'],
      [
        'queue',
        'logs.retry',
        { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'logs' } },
      ],
      ['queue', 'logs.dead', { durable: true }],
    ]);
  });
});
