import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import { AMQP_REQUEST_ID_HEADER, createEventEmitter, type EventEmitter, PeerError } from '@suite/proto';
import { createLogger } from '@suite/toolbox';
import { closeConnectionsNamed, RABBIT_URL, RabbitAdmin, randomTag, waitFor } from '../support/rabbit.js';

const logger = createLogger('emitter-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let admin: RabbitAdmin;

before(async () => {
  admin = await RabbitAdmin.connect();
});
after(() => admin?.close());

async function connectedEmitter(t: TestContext) {
  const tag = randomTag('emit');
  const exchange = `${tag}_exchange`;
  const queue = `${tag}_queue`;
  const emitter = createEventEmitter({
    url: RABBIT_URL,
    logger,
    exchange,
    queue,
    publishTimeoutMs: 5000,
    connectionName: `emitter ${tag}`,
  });
  t.after(async () => {
    await emitter.close();
    await admin.deleteTopology(exchange, queue);
  });
  await waitFor(() => emitter.isConnected(), {
    timeoutMs: 10_000,
    describe: () => 'emitter never connected',
  });
  return { tag, exchange, queue, emitter };
}

async function publishEventually(emitter: EventEmitter, data: string): Promise<string> {
  let last: unknown;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      return (await emitter.publish({ name: 'log', data })).eventId;
    } catch (err) {
      last = err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`publish never succeeded: ${String(last)}`);
}

describe('event emitter against RabbitMQ', () => {
  test('when an event is published, then a persistent JSON message with its ids is on the queue once confirmed', async (t) => {
    const { queue, emitter } = await connectedEmitter(t);
    await emitter.ready();

    const { eventId } = await emitter.publish(
      { name: 'authentication', data: 'user@example.com logged in' },
      { severity: 'WARNING', requestId: 'req-42' },
    );

    const message = await admin.getOne(queue);
    assert.ok(message, 'the event reached the queue');
    assert.deepEqual(JSON.parse(message.content.toString()), {
      name: 'authentication',
      data: 'user@example.com logged in',
    });
    assert.equal(message.fields.routingKey, 'log.WARNING');
    assert.equal(message.properties.messageId, eventId);
    assert.equal(message.properties.contentType, 'application/json');
    assert.equal(message.properties.deliveryMode, 2);
    assert.equal(typeof message.properties.timestamp, 'number');
    assert.equal(message.properties.headers?.[AMQP_REQUEST_ID_HEADER], 'req-42');
  });

  test('when RabbitMQ refuses the message (a nack), then publish rejects as refused instead of resolving', async (t) => {
    const { tag, exchange, queue, emitter } = await connectedEmitter(t);
    // A queue that takes nothing and says so: RabbitMQ nacks every message routed to it. Only a
    // publish that waits for the confirm can tell this apart from success.
    const full = `${tag}_full`;
    const channel = await admin.channel();
    await channel.assertQueue(full, { arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    await channel.bindQueue(full, exchange, 'log.ERROR');
    t.after(async () => {
      await channel.deleteQueue(full);
      await channel.close();
    });

    await assert.rejects(
      emitter.publish({ name: 'log', data: 'refused' }, { severity: 'ERROR' }),
      (err: unknown) => {
        assert.ok(err instanceof PeerError, String(err));
        assert.equal(err.kind, 'refused');
        return true;
      },
    );
    const { eventId } = await emitter.publish({ name: 'log', data: 'accepted' }, { severity: 'INFO' });
    // The refused copy may sit in the main queue too (a nack only says not every queue took it).
    const ids: string[] = [];
    for (let m = await admin.getOne(queue); m; m = await admin.getOne(queue))
      ids.push(String(m.properties.messageId));
    assert.ok(ids.includes(eventId), `the emitter still works; queue holds ${ids.join(', ')}`);
  });

  test('when the caller supplies an event id, then it becomes the message id', async (t) => {
    const { queue, emitter } = await connectedEmitter(t);

    const { eventId } = await emitter.publish({ name: 'log', data: 'x' }, { eventId: 'fixed-id-1' });

    assert.equal(eventId, 'fixed-id-1');
    assert.equal((await admin.getOne(queue))?.properties.messageId, 'fixed-id-1');
  });

  test('when RabbitMQ drops the connection, then publishes fail fast as unreachable until the emitter reconnects by itself', async (t) => {
    const { tag, queue, emitter } = await connectedEmitter(t);

    assert.ok((await closeConnectionsNamed(tag)) >= 1);
    await waitFor(() => !emitter.isConnected(), {
      timeoutMs: 5000,
      intervalMs: 10,
      describe: () => 'emitter never noticed the dropped connection',
    }).then(
      async () => {
        await assert.rejects(emitter.publish({ name: 'log', data: 'during outage' }), (err: unknown) => {
          assert.ok(err instanceof PeerError && err.kind === 'unreachable');
          return true;
        });
      },
      () => undefined /* it reconnected before we could observe the gap */,
    );

    await waitFor(() => emitter.isConnected(), {
      timeoutMs: 10_000,
      describe: () => 'emitter never reconnected',
    });
    const eventId = await publishEventually(emitter, 'after outage');
    assert.equal((await admin.getOne(queue))?.properties.messageId, eventId);
  });

  test('when its exchange is deleted under it, then the emitter declares it again and publishing works', async (t) => {
    const { exchange, queue, emitter } = await connectedEmitter(t);
    const channel = await admin.channel();
    await channel.deleteExchange(exchange);
    await channel.close();

    // The first publish kills the channel (404); the emitter recycles its connection and re-declares.
    await emitter.publish({ name: 'log', data: 'into the void' }).catch(() => undefined);
    const eventId = await publishEventually(emitter, 'after redeclare');

    await waitFor(async () => (await admin.messageCount(queue)) >= 1, {
      timeoutMs: 5000,
      describe: () => 'no event reached the re-bound queue',
    });
    const ids: string[] = [];
    for (let m = await admin.getOne(queue); m; m = await admin.getOne(queue))
      ids.push(String(m.properties.messageId));
    assert.ok(ids.includes(eventId), `queue holds ${ids.join(', ')}`);
  });
});
