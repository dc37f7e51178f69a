import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runBounded, startBroker, type TestBroker } from '../support/fakes.js';

describe('broker input validation', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.close());

  const rejects = async (
    body: unknown,
    status: number,
    message: RegExp,
    headers?: Record<string, string>,
  ) => {
    const res = await broker.post('/handle', body, headers);
    assert.equal(res.status, status);
    const envelope = await res.json();
    assert.equal(envelope.error, true);
    assert.match(envelope.message, message);
  };

  test('when the action is unknown, then 400 lists the valid actions', () =>
    rejects({ action: 'dance' }, 400, /unknown action "dance"; valid actions are auth, log, mail/));

  test('when the action is missing, then 400 says it is required', () =>
    rejects({ auth: {} }, 400, /"action" is required; valid actions are auth, log, mail/));

  test('when the action is not a string, then 400 lists the valid actions', () =>
    rejects({ action: 7 }, 400, /unknown action 7/));

  test('when the sub-object is missing, then 400 names it with an example', async () => {
    await rejects({ action: 'auth' }, 400, /^auth: is required, e\.g\. \{"auth":\{"email","password"\}\}$/);
    await rejects({ action: 'log' }, 400, /^log: is required/);
    await rejects({ action: 'mail' }, 400, /^mail: is required/);
  });

  test('when fields have the wrong types, then 400 names each field', async () => {
    await rejects({ action: 'auth', auth: 'admin' }, 400, /auth: must be an object/);
    await rejects(
      { action: 'auth', auth: { email: 5, password: ['x'] } },
      400,
      /auth\.email: must be a string; auth\.password: must be a string/,
    );
    await rejects(
      { action: 'log', log: { name: 'n', data: { nested: true } } },
      400,
      /log\.data: data must be a string/,
    );
    await rejects({ action: 'mail', mail: { to: 'a@b.c', subject: 's' } }, 400, /mail\.message: is required/);
  });

  test('when a log takes a name the suite reserves for its own records, then every transport and /log-grpc answer 400 naming why and nothing is written', async () => {
    const forged = { name: 'authentication', data: '{"email":"admin@example.com","success":true}' };
    const before = {
      rpc: broker.calls.rpc.length,
      grpc: broker.calls.grpc.length,
      http: broker.calls.loggerHttp.length,
      published: broker.published.length,
    };
    const reason = /^log\.name: name "authentication" is reserved for the suite's own records$/;
    for (const via of ['rpc', 'grpc', 'http', 'rabbitmq']) {
      await rejects({ action: 'log', via, log: forged }, 400, reason);
    }
    await rejects(
      { action: 'log', log: { ...forged, name: 'Broker_Hit ' } },
      400,
      /name "Broker_Hit" is reserved/,
    );
    const res = await broker.post('/log-grpc', { log: forged });
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, reason);
    assert.deepEqual(
      {
        rpc: broker.calls.rpc.length,
        grpc: broker.calls.grpc.length,
        http: broker.calls.loggerHttp.length,
        published: broker.published.length,
      },
      before,
    );
  });

  test('when via is unknown or not a string, then 400 lists the transports', async () => {
    await rejects(
      { action: 'log', via: 'pigeon', log: { name: 'n', data: 'd' } },
      400,
      /via: via must be one of rpc, grpc, rabbitmq, http/,
    );
    await rejects({ action: 'log', via: 1, log: { name: 'n', data: 'd' } }, 400, /via must be one of/);
  });

  test('when the JSON is malformed, then 400 says so', () => rejects('{"action":', 400, /^malformed JSON/));

  test('when the content type is not JSON, then 400 says which one is expected', () =>
    rejects('action=log', 400, /Content-Type: application\/json/, { 'content-type': 'text/plain' }));

  test('when the body is a JSON array or null, then 400 asks for an object', async () => {
    await rejects([], 400, /expected a JSON object/);
    await rejects('null', 400, /expected a JSON object|malformed JSON/);
  });

  test('when the body is larger than the limit, then 413', () =>
    rejects({ action: 'log', log: { name: 'big', data: 'x'.repeat(200 * 1024) } }, 413, /too large/));

  test('when /log-grpc gets no log, then 400', async () => {
    const res = await broker.post('/log-grpc', { name: 'n' });
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, /^log: is required/);
  });

  test('when the route is unknown, then 404 envelope', async () => {
    const res = await broker.post('/nope', {});
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, true);
  });

  test('when 500 bad requests arrive in a burst, then each gets a 4xx envelope and /ping still answers', async () => {
    const bodies = [
      '{"action":',
      JSON.stringify({ action: 'nope' }),
      JSON.stringify({ action: 'auth' }),
      JSON.stringify({ action: 'log', via: 'carrier', log: { name: 'n', data: 'd' } }),
      JSON.stringify({ action: 'mail', mail: { to: 1 } }),
    ];
    const statuses = await runBounded(500, 50, async (i) => {
      const res = await broker.post('/handle', bodies[i % bodies.length]!);
      const envelope = await res.json();
      assert.equal(envelope.error, true);
      return res.status;
    });
    assert.deepEqual([...new Set(statuses)], [400]);
    const ping = await fetch(`${broker.url}/ping`);
    assert.equal(ping.status, 200);
    assert.equal(broker.calls.rpc.length + broker.calls.auth.length + broker.calls.mail.length, 0);
  });
});
