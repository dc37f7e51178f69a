import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBroker, type TestBroker } from '../support/fakes.js';

describe('broker routing', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.close());

  test('when / is hit with GET, then it answers 202 and publishes nothing', async () => {
    const before = broker.published.length;
    const got = await fetch(`${broker.url}/`, { headers: { 'x-request-id': 'hit-get' } });
    assert.equal(got.status, 202);
    assert.deepEqual(await got.json(), { error: false, message: 'Hit the broker' });
    assert.equal(broker.published.length, before);
  });

  test('when / is hit with POST, then it answers 202 and publishes a broker_hit event with the request id', async () => {
    const before = broker.published.length;
    const posted = await fetch(`${broker.url}/`, { method: 'POST', headers: { 'x-request-id': 'hit-post' } });
    assert.equal(posted.status, 202);
    assert.deepEqual(await posted.json(), { error: false, message: 'Hit the broker' });
    assert.deepEqual(
      broker.published.slice(before).map((p) => [p.event.name, p.options?.requestId]),
      [['broker_hit', 'hit-post']],
    );
  });

  test('when the auth action succeeds, then the user comes back and an authentication event names the email only', async () => {
    const before = broker.published.length;
    const res = await broker.post(
      '/handle',
      { action: 'auth', auth: { email: 'admin@example.com', password: 'verysecret' } },
      { 'x-request-id': 'auth-ok' },
    );
    assert.equal(res.status, 202);
    const body = await res.json();
    assert.equal(body.message, 'Authenticated!');
    assert.equal(body.data.first_name, 'Admin');
    assert.deepEqual(broker.calls.auth.at(-1), {
      path: '/authenticate',
      body: { email: 'admin@example.com', password: 'verysecret' },
    });
    const [event] = broker.published.slice(before);
    assert.equal(event?.event.name, 'authentication');
    assert.equal(event?.options?.requestId, 'auth-ok');
    assert.deepEqual(JSON.parse(event!.event.data), {
      email: 'admin@example.com',
      success: true,
      status: 202,
    });
    assert.doesNotMatch(event!.event.data, /verysecret/);
  });

  test('when the log action has no via, then it goes over JSON-RPC with the request id', async () => {
    const res = await broker.post(
      '/handle',
      { action: 'log', log: { name: 'event', data: 'rpc data' } },
      { 'x-request-id': 'log-rpc' },
    );
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), {
      error: false,
      message: 'logged via rpc',
      data: { result: 'Processed payload via RPC: event' },
    });
    assert.deepEqual(broker.calls.rpc.at(-1), {
      entry: { name: 'event', data: 'rpc data' },
      ids: { requestId: 'log-rpc' },
    });
  });

  test('when the log action picks grpc, then the gRPC client writes it', async () => {
    const res = await broker.post('/handle', { action: 'log', via: 'grpc', log: { name: 'g', data: 'd' } });
    assert.equal(res.status, 202);
    const body = await res.json();
    assert.equal(body.message, 'logged via grpc');
    assert.equal(body.data.result, 'logged!');
    assert.deepEqual(broker.calls.grpc.at(-1)?.entry, { name: 'g', data: 'd' });
  });

  test('when the log action picks http, then the logger gets POST /log', async () => {
    const res = await broker.post('/handle', { action: 'log', via: 'http', log: { name: 'h', data: 'd' } });
    assert.equal(res.status, 202);
    assert.deepEqual((await res.json()).data, { result: 'logged' });
    assert.deepEqual(broker.calls.loggerHttp.at(-1), { path: '/log', body: { name: 'h', data: 'd' } });
  });

  test('when the log action picks rabbitmq, then the event is published and its id returned', async () => {
    const res = await broker.post(
      '/handle',
      { action: 'log', via: 'rabbitmq', log: { name: 'r', data: 'd' } },
      { 'x-request-id': 'log-amqp' },
    );
    assert.equal(res.status, 202);
    const body = await res.json();
    assert.equal(body.message, 'logged via rabbitmq');
    const last = broker.published.at(-1)!;
    assert.deepEqual(last.event, { name: 'r', data: 'd' });
    assert.equal(last.options?.requestId, 'log-amqp');
    assert.equal(typeof body.data.eventId, 'string');
  });

  test('when the mail action succeeds, then the mail-service got the message and the answer names the recipient', async () => {
    const mail = { from: 'me@example.com', to: 'you@there.com', subject: 'Hi', message: 'Hello' };
    const res = await broker.post('/handle', { action: 'mail', mail });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { error: false, message: 'Message sent to you@there.com' });
    assert.deepEqual(broker.calls.mail.at(-1), { path: '/send', body: mail });
  });

  test('when /log-grpc gets a log, then the gRPC client writes it', async () => {
    const res = await broker.post('/log-grpc', { log: { name: 'direct', data: 'd' } });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), {
      error: false,
      message: 'logged via gRPC',
      data: { result: 'logged!' },
    });
    assert.deepEqual(broker.calls.grpc.at(-1)?.entry, { name: 'direct', data: 'd' });
  });
});
