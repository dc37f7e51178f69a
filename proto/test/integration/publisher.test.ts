import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import { eventually, RABBIT_URL, RabbitAdmin, startRabbitProxy, uniqueName, waitFor } from '@suite/test-kit';
import {
  AMQP_REQUEST_ID_HEADER,
  createEventPublisher,
  type EventPublisher,
  eventTopology,
  PeerError,
  type PeerErrorKind,
  type ProtoLogger,
} from '../../src/index.js';

const silent: ProtoLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silent,
};
let admin: RabbitAdmin;

before(async () => {
  admin = await RabbitAdmin.connect();
});
after(() => admin?.close());

async function connectedPublisher(t: TestContext, url = RABBIT_URL) {
  const tag = uniqueName('emit');
  const exchange = `${tag}_exchange`;
  const queue = `${tag}_queue`;
  const publisher = createEventPublisher({
    url,
    logger: silent,
    exchange,
    queue,
    publishTimeoutMs: 5000,
    connectionName: `emitter ${tag}`,
  });
  t.after(async () => {
    await publisher.close();
    await admin.deleteTopology(eventTopology({ exchange, queue }));
  });
  await waitFor(() => publisher.isConnected(), {
    timeoutMs: 10_000,
    describe: () => 'publisher never connected',
  });
  return { tag, exchange, queue, publisher };
}

/** Publishes until RabbitMQ takes the event (after an outage) and returns its id. */
const publishEventually = (publisher: EventPublisher, data: string): Promise<string> =>
  eventually(async () => (await publisher.publish({ name: 'log', data })).eventId, {
    timeoutMs: 15_000,
    intervalMs: 100,
  });

const failsAs = (kind: PeerErrorKind, detail?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof PeerError, String(err));
  assert.deepEqual([err.peer, err.kind], ['rabbitmq', kind], err.message);
  if (detail) assert.match(err.detail, detail);
  return true;
};

describe('event publisher against RabbitMQ', () => {
  test('when an event is published, then a persistent JSON message with its ids is on the queue once confirmed', async (t) => {
    const { queue, publisher } = await connectedPublisher(t);
    await publisher.ready();

    const { eventId } = await publisher.publish(
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

  test('when no queue is bound any more, then the mandatory publish fails as refused instead of vanishing', async (t) => {
    const { exchange, queue, publisher } = await connectedPublisher(t);
    const channel = await admin.channel();
    for (const key of eventTopology().routingKeys) await channel.unbindQueue(queue, exchange, key);
    await channel.close();

    await assert.rejects(
      publisher.publish({ name: 'log', data: 'nobody listens' }),
      failsAs('refused', /no queue/),
    );
    assert.equal(await admin.messageCount(queue), 0);
  });

  test('when RabbitMQ refuses the message (a nack), then publish fails as refused instead of resolving', async (t) => {
    const { tag, exchange, queue, publisher } = await connectedPublisher(t);
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
      publisher.publish({ name: 'log', data: 'refused' }, { severity: 'ERROR' }),
      failsAs('refused'),
    );
    const { eventId } = await publisher.publish({ name: 'log', data: 'accepted' }, { severity: 'INFO' });
    // The refused copy may sit in the main queue too (a nack only says not every queue took it).
    const ids: string[] = [];
    for (let m = await admin.getOne(queue); m; m = await admin.getOne(queue))
      ids.push(String(m.properties.messageId));
    assert.ok(ids.includes(eventId), `the publisher still works; queue holds ${ids.join(', ')}`);
  });

  test('when more events are published at once than amqplib buffers, then each is confirmed and on the queue', async (t) => {
    const { queue, publisher } = await connectedPublisher(t);
    // amqplib's write buffer holds 1,024 messages per channel before its publish says "wait for
    // drain"; the ones past it must wait and still go out, in order, once it drains.
    const burst = 3000;

    const results = await Promise.allSettled(
      Array.from({ length: burst }, (_, i) => publisher.publish({ name: 'log', data: `burst ${i}` })),
    );

    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String(r.reason)),
      [],
    );
    assert.equal(await admin.messageCount(queue), burst);
    const first = await admin.getOne(queue);
    assert.equal(first && JSON.parse(first.content.toString()).data, 'burst 0');
  });

  test('when the connection drops while confirms are outstanding, then those publishes fail as unreachable instead of waiting', async (t) => {
    const proxy = await startRabbitProxy();
    t.after(() => proxy.close());
    const { publisher } = await connectedPublisher(t, proxy.url);

    const pending = Array.from({ length: 500 }, (_, i) =>
      publisher.publish({ name: 'log', data: `in flight ${i}` }),
    );
    proxy.cut();
    const results = await Promise.allSettled(pending);

    const failed = results.filter((r) => r.status === 'rejected');
    assert.ok(failed.length > 0, 'the cut came before some confirms');
    for (const { reason } of failed) failsAs('unreachable')(reason);
  });

  test('when the caller supplies an event id, then it becomes the message id', async (t) => {
    const { queue, publisher } = await connectedPublisher(t);

    const { eventId } = await publisher.publish({ name: 'log', data: 'x' }, { eventId: 'fixed-id-1' });

    assert.equal(eventId, 'fixed-id-1');
    assert.equal((await admin.getOne(queue))?.properties.messageId, 'fixed-id-1');
  });

  test('when the connection to RabbitMQ is cut, then publishes fail at once as unreachable until it is back, then work again', async (t) => {
    const proxy = await startRabbitProxy();
    t.after(() => proxy.close());
    const { queue, publisher } = await connectedPublisher(t, proxy.url);

    proxy.cut();
    await waitFor(() => !publisher.isConnected(), {
      timeoutMs: 15_000,
      describe: () => 'the publisher never noticed the cut connection',
    });
    // The proxy refuses every reconnect while cut, so this runs during the outage every time.
    await assert.rejects(publisher.publish({ name: 'log', data: 'during outage' }), failsAs('unreachable'));
    await assert.rejects(publisher.ready(), /RabbitMQ not connected/);

    proxy.restore();
    await waitFor(() => publisher.isConnected(), {
      timeoutMs: 15_000,
      describe: () => 'the publisher never reconnected',
    });
    const eventId = await publishEventually(publisher, 'after outage');
    assert.deepEqual(
      [(await admin.getOne(queue))?.properties.messageId, await admin.messageCount(queue)],
      [eventId, 0],
      'only the event published after the outage is in the queue',
    );
  });

  test('when its exchange is deleted under it, then the publisher declares it again and publishing works', async (t) => {
    const { exchange, queue, publisher } = await connectedPublisher(t);
    const channel = await admin.channel();
    await channel.deleteExchange(exchange);
    await channel.close();

    // The first publish kills the channel (404); the publisher recycles its connection and re-declares.
    await publisher.publish({ name: 'log', data: 'into the void' }).catch(() => undefined);
    const eventId = await publishEventually(publisher, 'after redeclare');

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
