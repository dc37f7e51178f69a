import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Suite, startSuite } from '@suite/launcher';
import { eventTopology } from '@suite/proto';
import { closedPort, type LogReader, openLogReader, waitFor } from '@suite/test-kit';
import amqp from 'amqplib';
import { sample } from '../support/fakes.js';
import { gatedProxy, spawnBroker } from '../support/process.js';
import { uniqueTag } from '../support/suite.js';

/**
 * The broker process is started while RabbitMQ is unreachable (its RABBIT_URL names a port where
 * nothing listens yet); its other peers are real. Later that port starts forwarding to RabbitMQ.
 */
describe('broker while RabbitMQ is unreachable', () => {
  let suite: Suite;
  let logs: LogReader;
  let proxy: Awaited<ReturnType<typeof gatedProxy>>;
  let broker: Awaited<ReturnType<typeof spawnBroker>>;
  const tag = uniqueTag('outage').replace(/-/g, '_');
  const topology = eventTopology({ exchange: `${tag}_exchange`, queue: `${tag}_queue` });
  let loginDuringOutage: string | undefined;
  let loginWhileHung: string | undefined;

  before(async () => {
    suite = await startSuite({
      services: ['logger-service', 'authentication-service', 'mail-service'],
      env: { LOG_LEVEL: 'warn' },
    });
    logs = await openLogReader(suite.mongoUrl);
    const rabbit = new URL(suite.rabbitUrl);
    proxy = await gatedProxy({ host: rabbit.hostname, port: Number(rabbit.port || 5672) });
    rabbit.port = String(proxy.port);
    broker = await spawnBroker({
      PORT: String(await closedPort()),
      LOG_LEVEL: 'warn',
      AUTH_SERVICE_URL: suite.urls.auth,
      MAIL_SERVICE_URL: suite.urls.mail,
      LOGGER_SERVICE_URL: suite.urls.logger,
      LOGGER_RPC_ADDR: suite.addresses.loggerRpc,
      LOGGER_GRPC_ADDR: suite.addresses.loggerGrpc,
      RABBIT_URL: rabbit.href,
      EXCHANGE_NAME: topology.exchange,
      QUEUE_NAME: topology.queue,
      // Long enough that a publish waiting for RabbitMQ instead of failing at once would outlast the test's bounded waits.
      DOWNSTREAM_TIMEOUT_MS: '60000',
    });
  });

  after(async () => {
    await broker?.stop();
    await proxy?.close();
    const connection = await amqp.connect(suite.rabbitUrl).catch(() => undefined);
    if (connection) {
      const channel = await connection.createChannel();
      for (const queue of [topology.queue, topology.retryQueue, topology.deadQueue])
        await channel.deleteQueue(queue);
      await channel.deleteExchange(topology.exchange);
      await connection.close();
    }
    await logs?.close();
    await suite?.stop();
  });

  const post = async (path: string, body?: unknown) => {
    const requestId = uniqueTag('req');
    const res = await fetch(`${broker.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A bounded wait: a publish queued in memory instead of failing fast would hang here.
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.json(), requestId };
  };

  test('when RabbitMQ is unreachable, then queue-bound requests answer 502 at once, GET / and /readyz still answer', async () => {
    const hit = await fetch(`${broker.url}/`, { method: 'POST', signal: AbortSignal.timeout(15_000) });
    assert.equal(hit.status, 502);
    assert.equal((await hit.json()).message, 'rabbitmq unreachable');
    const viaRabbit = await post('/handle', {
      action: 'log',
      via: 'rabbitmq',
      log: { name: 'event', data: tag },
    });
    assert.equal(viaRabbit.status, 502);
    assert.equal(viaRabbit.body.message, 'rabbitmq unreachable');

    assert.equal((await fetch(`${broker.url}/`)).status, 202, 'GET / needs no RabbitMQ');
    assert.equal((await fetch(`${broker.url}/readyz`)).status, 200, 'the broker stays ready');
    const health = await fetch(`${broker.url}/health/dependencies`);
    assert.equal(health.status, 503);
    assert.equal((await health.json()).data.rabbitmq, 'down');
  });

  test('when RabbitMQ is unreachable, then auth, log via rpc, grpc and http, /log-grpc and mail still answer 202', async () => {
    const login = await post('/handle', {
      action: 'auth',
      auth: { email: 'admin@example.com', password: 'verysecret' },
    });
    assert.equal(login.status, 202, JSON.stringify(login.body));
    assert.equal(login.body.data.first_name, 'Admin');
    loginDuringOutage = login.requestId;
    // The login's audit event waits in the broker's queue for RabbitMQ.
    const metrics = await (await fetch(`${broker.url}/metrics`)).text();
    assert.equal(sample(metrics, 'broker_audit_queue_length'), 1);

    for (const via of ['rpc', 'grpc', 'http'] as const) {
      const data = `${tag} via ${via}`;
      const res = await post('/handle', { action: 'log', via, log: { name: 'event', data } });
      assert.equal(res.status, 202, `via ${via}: ${JSON.stringify(res.body)}`);
      const [entry] = await logs.waitFor({ data });
      assert.equal(entry?.request_id, res.requestId);
    }
    const grpcRoute = await post('/log-grpc', { log: { name: 'event', data: `${tag} route` } });
    assert.equal(grpcRoute.status, 202);
    assert.equal((await logs.waitFor({ data: `${tag} route` })).length, 1);

    const subject = uniqueTag('outage-mail');
    const mail = await post('/handle', {
      action: 'mail',
      mail: { from: 'me@example.com', to: 'you@there.com', subject, message: 'sent while RabbitMQ is down' },
    });
    assert.equal(mail.status, 202, JSON.stringify(mail.body));
    await suite.mail!.waitFor((m) => m.subject === subject, 10_000);
  });

  test('when RabbitMQ becomes reachable, then the broker reconnects by itself, publishes again and sends the queued login event', async () => {
    await proxy.open();
    let hit = await post('/');
    await waitFor(
      async () => {
        if (hit.status !== 202) hit = await post('/');
        return hit.status === 202;
      },
      {
        timeoutMs: 20_000,
        intervalMs: 200,
        describe: () => `still ${hit.status} 20 s after RabbitMQ came back: ${hit.body.message}`,
      },
    );
    assert.equal((await fetch(`${broker.url}/readyz`)).status, 200);

    const viaRabbit = await post('/handle', {
      action: 'log',
      via: 'rabbitmq',
      log: { name: 'event', data: tag },
    });
    assert.equal(viaRabbit.status, 202);
    await waitFor(
      async () => {
        const metrics = await (await fetch(`${broker.url}/metrics`)).text();
        return sample(metrics, 'broker_audit_queue_length') === 0;
      },
      { timeoutMs: 10_000 },
    );
    const connection = await amqp.connect(suite.rabbitUrl);
    try {
      const channel = await connection.createChannel();
      const ids: string[] = [];
      const logins: string[] = [];
      for (
        let m = await channel.get(topology.queue, { noAck: true });
        m;
        m = await channel.get(topology.queue, { noAck: true })
      ) {
        ids.push(String(m.properties.messageId));
        if (JSON.parse(m.content.toString()).name === 'authentication') {
          logins.push(String(m.properties.headers?.['x-request-id']));
        }
      }
      assert.ok(ids.includes(viaRabbit.body.data.eventId), `the queue holds ${ids.join(', ')}`);
      assert.deepEqual(logins, [loginDuringOutage], 'the login made during the outage is on record once');
    } finally {
      await connection.close();
    }
  });
  test('when RabbitMQ holds the connection but answers nothing, then logins are answered at once and their event goes out once it answers again', async () => {
    proxy.freeze();
    try {
      // Bounded by 15 s while a publish waits up to DOWNSTREAM_TIMEOUT_MS (60 s) for its confirm.
      const login = await post('/handle', {
        action: 'auth',
        auth: { email: 'admin@example.com', password: 'verysecret' },
      });
      assert.equal(login.status, 202, JSON.stringify(login.body));
      loginWhileHung = login.requestId;
      // Answered while the broker still holds its connection: not after a heartbeat timeout (~10 s)
      // or the publish timeout (60 s) ended the wait.
      const health = await (await fetch(`${broker.url}/health/dependencies`)).json();
      assert.equal(health.data.rabbitmq, 'ok', 'the login was answered before the connection was given up');
      const metrics = await (await fetch(`${broker.url}/metrics`)).text();
      assert.equal(sample(metrics, 'broker_audit_queue_length'), 1, 'the event waits in the queue');
    } finally {
      proxy.thaw();
    }
    await waitFor(
      async () => {
        const metrics = await (await fetch(`${broker.url}/metrics`)).text();
        return sample(metrics, 'broker_audit_queue_length') === 0;
      },
      { timeoutMs: 30_000 },
    );
    const connection = await amqp.connect(suite.rabbitUrl);
    try {
      const channel = await connection.createChannel();
      const logins: string[] = [];
      for (
        let m = await channel.get(topology.queue, { noAck: true });
        m;
        m = await channel.get(topology.queue, { noAck: true })
      ) {
        if (JSON.parse(m.content.toString()).name === 'authentication') {
          logins.push(String(m.properties.headers?.['x-request-id']));
        }
      }
      assert.deepEqual(logins, [loginWhileHung]);
    } finally {
      await connection.close();
    }
  });
});
