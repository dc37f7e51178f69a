import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AMQP_REQUEST_ID_HEADER,
  ATTEMPTS_HEADER,
  DEAD_REASON_HEADER,
  eventTopology,
  type LogEntry,
  PeerError,
  type SettleChannel,
} from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import type { Message, Options } from 'amqplib';
import type { LoggerClient } from '../../src/clients/logger.js';
import { createMessageHandler } from '../../src/handler.js';

const topology = eventTopology({ exchange: 'unit_exchange', queue: 'unit_queue' });
const logger = createLogger('listener-test', 'silent');

function message(content: string | Buffer, properties: Partial<Message['properties']> = {}): Message {
  return {
    content: Buffer.isBuffer(content) ? content : Buffer.from(content),
    fields: { deliveryTag: 1, redelivered: false, exchange: topology.exchange, routingKey: 'log.INFO' },
    properties: { messageId: 'event-1', headers: {}, contentType: 'application/json', ...properties },
  } as unknown as Message;
}

interface Published {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

function fakeChannel(options: { publishFails?: boolean; ackThrows?: boolean } = {}) {
  const acked: Message[] = [];
  const nacked: Array<{ message: Message; requeue: boolean }> = [];
  const published: Published[] = [];
  const channel: SettleChannel = {
    ack(m) {
      if (options.ackThrows) throw new Error('Channel closed');
      acked.push(m);
    },
    nack(m, requeue) {
      nacked.push({ message: m, requeue });
    },
    async publish(exchange, routingKey, content, publishOptions) {
      if (options.publishFails) throw new Error('channel closed');
      published.push({ exchange, routingKey, content, options: publishOptions });
    },
  };
  return { channel, acked, nacked, published };
}

function fakeLoggerClient(failWith?: Error) {
  const calls: Array<{ entry: LogEntry; ids: { eventId: string; requestId?: string } }> = [];
  const client: LoggerClient = {
    async write(entry, ids) {
      calls.push({ entry, ids });
      if (failWith) throw failWith;
    },
    async close() {},
  };
  return { client, calls };
}

/** Jitter fixed at none, so delays are the ceiling of each attempt. */
function handlerWith(loggerClient: LoggerClient) {
  return createMessageHandler({
    loggerClient,
    logger,
    topology,
    retryBaseMs: 100,
    retryMaxMs: 250,
    random: () => 1,
  });
}

describe('message handler', () => {
  test('when the logger stores the event, then the message is acked with nothing republished', async () => {
    const { client, calls } = fakeLoggerClient();
    const { channel, acked, published } = fakeChannel();
    const msg = message(JSON.stringify({ name: 'broker_hit', data: 'x' }), {
      headers: { [AMQP_REQUEST_ID_HEADER]: 'req-7' },
    });

    const outcome = await handlerWith(client)(msg, channel);

    assert.deepEqual(outcome, { kind: 'stored', eventId: 'event-1' });
    assert.deepEqual(calls, [
      { entry: { name: 'broker_hit', data: 'x' }, ids: { eventId: 'event-1', requestId: 'req-7' } },
    ]);
    assert.deepEqual(acked, [msg]);
    assert.equal(published.length, 0);
  });

  test('when the event has an unknown name, then it is stored like any other', async () => {
    const { client, calls } = fakeLoggerClient();
    const { channel, acked } = fakeChannel();

    const outcome = await handlerWith(client)(
      message(JSON.stringify({ name: 'custom', data: 'y' })),
      channel,
    );

    assert.equal(outcome.kind, 'stored');
    assert.equal(calls[0]?.entry.name, 'custom');
    assert.equal(acked.length, 1);
  });

  test('when the body is not JSON, then a copy goes to the dead queue and the original is acked without storing', async () => {
    const { client, calls } = fakeLoggerClient();
    const { channel, acked, published } = fakeChannel();
    const msg = message('not json {');

    const outcome = await handlerWith(client)(msg, channel);

    assert.equal(outcome.kind, 'dead');
    assert.equal(outcome.kind === 'dead' && outcome.reason, 'malformed');
    assert.equal(calls.length, 0);
    assert.equal(published.length, 1);
    assert.equal(published[0]?.exchange, '');
    assert.equal(published[0]?.routingKey, topology.deadQueue);
    assert.equal(published[0]?.content.toString(), 'not json {');
    assert.match(String(published[0]?.options.headers?.[DEAD_REASON_HEADER]), /malformed JSON/);
    assert.deepEqual(acked, [msg]);
  });

  test('when the body is JSON but not an event, then it is dead-lettered as invalid', async () => {
    const { client, calls } = fakeLoggerClient();
    const { channel, published } = fakeChannel();

    const outcome = await handlerWith(client)(message(JSON.stringify({ name: 42 })), channel);

    assert.equal(outcome.kind === 'dead' && outcome.reason, 'invalid');
    assert.equal(calls.length, 0);
    assert.match(String(published[0]?.options.headers?.[DEAD_REASON_HEADER]), /name/);
  });

  test('when the logger fails, then a delayed copy with one more attempt goes to the retry queue before the ack', async () => {
    const { client } = fakeLoggerClient(
      new PeerError('logger-service', 'unreachable', 'connect ECONNREFUSED'),
    );
    const { channel, acked, published } = fakeChannel();
    const msg = message(JSON.stringify({ name: 'log', data: 'z' }));

    const outcome = await handlerWith(client)(msg, channel);

    assert.deepEqual(outcome, { kind: 'retried', eventId: 'event-1', attempt: 1, delayMs: 100 });
    assert.equal(published.length, 1);
    assert.equal(published[0]?.routingKey, topology.retryQueue);
    assert.equal(published[0]?.options.expiration, '100');
    assert.equal(published[0]?.options.messageId, 'event-1');
    assert.equal(published[0]?.options.persistent, true);
    assert.equal(published[0]?.options.headers?.[ATTEMPTS_HEADER], 1);
    assert.deepEqual(acked, [msg]);
  });

  test('when a retried event fails again, then the delay grows and stays under the cap', async () => {
    const { client } = fakeLoggerClient(
      new PeerError('logger-service', 'unreachable', 'connect ECONNREFUSED'),
    );
    const { channel, published } = fakeChannel();

    const second = await handlerWith(client)(
      message(JSON.stringify({ name: 'log', data: 'z' }), { headers: { [ATTEMPTS_HEADER]: 1 } }),
      channel,
    );
    const fourth = await handlerWith(client)(
      message(JSON.stringify({ name: 'log', data: 'z' }), { headers: { [ATTEMPTS_HEADER]: 3 } }),
      channel,
    );

    assert.equal(second.kind === 'retried' && second.delayMs, 200);
    assert.equal(fourth.kind === 'retried' && fourth.delayMs, 250);
    assert.equal(published[1]?.options.headers?.[ATTEMPTS_HEADER], 4);
  });

  test('when a failure that may pass keeps coming back, then the event is retried again and again, never dead-lettered', async () => {
    for (const kind of ['unreachable', 'timeout', 'refused', 'overloaded'] as const) {
      const { client } = fakeLoggerClient(new PeerError('logger-service', kind, 'still down'));
      const { channel, acked, published } = fakeChannel();
      const msg = message(JSON.stringify({ name: 'log', data: 'z' }), {
        headers: { [ATTEMPTS_HEADER]: 500 },
      });

      const outcome = await handlerWith(client)(msg, channel);

      assert.deepEqual(outcome, { kind: 'retried', eventId: 'event-1', attempt: 501, delayMs: 250 }, kind);
      assert.equal(published[0]?.routingKey, topology.retryQueue);
      assert.deepEqual(acked, [msg]);
    }
  });

  test('when the logger client fails with something unforeseen, then the event is retried rather than dead-lettered', async () => {
    const { client } = fakeLoggerClient(new Error('socket hang up'));
    const { channel, published } = fakeChannel();

    const outcome = await handlerWith(client)(message(JSON.stringify({ name: 'log', data: 'z' })), channel);

    assert.equal(outcome.kind, 'retried');
    assert.equal(published[0]?.routingKey, topology.retryQueue);
  });

  test('when the logger rejects the entry as invalid, then it is dead-lettered at once', async () => {
    const { client } = fakeLoggerClient(new PeerError('logger-service', 'invalid', 'data: too long'));
    const { channel, published } = fakeChannel();

    const outcome = await handlerWith(client)(message(JSON.stringify({ name: 'log', data: 'z' })), channel);

    assert.equal(outcome.kind === 'dead' && outcome.reason, 'rejected');
    assert.equal(published[0]?.routingKey, topology.deadQueue);
  });

  test('when the retry copy cannot be published, then the original is not acked but handed back', async () => {
    const { client } = fakeLoggerClient(
      new PeerError('logger-service', 'unreachable', 'connect ECONNREFUSED'),
    );
    const { channel, acked, nacked } = fakeChannel({ publishFails: true });
    const msg = message(JSON.stringify({ name: 'log', data: 'z' }));

    const outcome = await handlerWith(client)(msg, channel);

    assert.equal(outcome.kind, 'abandoned');
    assert.equal(acked.length, 0);
    assert.deepEqual(nacked, [{ message: msg, requeue: true }]);
  });

  test('when the channel closed before the ack, then the outcome says the message is left for redelivery', async () => {
    const { client, calls } = fakeLoggerClient();
    const { channel } = fakeChannel({ ackThrows: true });

    const outcome = await handlerWith(client)(message(JSON.stringify({ name: 'log', data: 'z' })), channel);

    assert.equal(calls.length, 1);
    assert.equal(outcome.kind, 'abandoned');
  });

  test('when a message has no message id, then one id is made up and carried by its retry copy', async () => {
    const { client, calls } = fakeLoggerClient(
      new PeerError('logger-service', 'unreachable', 'connect ECONNREFUSED'),
    );
    const { channel, published } = fakeChannel();

    await handlerWith(client)(
      message(JSON.stringify({ name: 'log', data: 'z' }), { messageId: undefined }),
      channel,
    );

    const eventId = calls[0]?.ids.eventId;
    assert.ok(eventId);
    assert.equal(published[0]?.options.messageId, eventId);
  });
});
