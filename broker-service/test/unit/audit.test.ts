import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { capturingLogger, waitFor } from '@suite/test-kit';
import { createMetrics } from '@suite/toolbox';
import { createAuditTrail } from '../../src/audit.js';
import type { EventPublisher } from '../../src/events.js';
import { fakeEvents, sample, startBroker, type TestBroker } from '../support/fakes.js';

/** An event bus whose publishes wait until the test lets them through: a RabbitMQ that is blocked. */
function blockedBus() {
  const waiting: Array<{ name: string; requestId?: string; release: () => void }> = [];
  const published: string[] = [];
  const state = { connected: true };
  const events: EventPublisher = {
    publish: (event, options) =>
      new Promise((resolve) => {
        waiting.push({
          name: event.name,
          requestId: options?.requestId,
          release: () => {
            published.push(event.data);
            resolve({ eventId: 'e' });
          },
        });
      }),
    isConnected: () => state.connected,
  };
  const releaseAll = () => {
    for (const w of waiting.splice(0)) w.release();
  };
  return { events, waiting, published, state, releaseAll };
}

const login = { action: 'auth', auth: { email: 'admin@example.com', password: 'verysecret' } };

describe('login audit trail', () => {
  const brokers: TestBroker[] = [];
  after(async () => {
    for (const broker of brokers) await broker.close();
  });

  test('when RabbitMQ holds every publish, then logins are still answered and their events go out once it lets go', async () => {
    const bus = blockedBus();
    const broker = await startBroker({ events: bus.events });
    brokers.push(broker);
    for (const id of ['login-1', 'login-2']) {
      // Bounded: a login that waited for the publish would never be answered while the bus holds it.
      const res = await fetch(`${broker.url}/handle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify(login),
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(res.status, 202);
    }
    // The first event is in flight (held by the bus); the second waits its turn in the queue.
    assert.deepEqual(
      bus.waiting.map((w) => [w.name, w.requestId]),
      [['authentication', 'login-1']],
    );
    bus.releaseAll();
    await waitFor(() => bus.waiting.length === 1);
    bus.releaseAll();
    assert.deepEqual(
      bus.published.map((data) => JSON.parse(data).email),
      ['admin@example.com', 'admin@example.com'],
    );
  });

  test('when the broker shuts down with events queued, then close() publishes them first', async () => {
    const bus = fakeEvents();
    bus.state.connected = false;
    const broker = await startBroker({ events: bus.events });
    for (let i = 0; i < 5; i++) assert.equal((await broker.post('/handle', login)).status, 202);
    assert.equal(bus.published.length, 0, 'nothing goes out while RabbitMQ is disconnected');
    const closing = broker.close();
    bus.state.connected = true;
    await closing;
    assert.equal(bus.published.filter((p) => p.event.name === 'authentication').length, 5);
  });

  test('when the queue is full, then further events are dropped, counted and logged once', async () => {
    const bus = fakeEvents();
    bus.state.connected = false;
    const { registry } = createMetrics('broker-service');
    const { logger, lines } = capturingLogger();
    const audit = createAuditTrail({ events: bus.events, registry, logger, capacity: 2 });
    for (let i = 0; i < 5; i++)
      audit.authentication({ email: `u${i}@x.y`, success: true, status: 202 }, `r${i}`);
    assert.equal(audit.pending(), 2);
    const metrics = await registry.metrics();
    assert.equal(sample(metrics, 'broker_audit_dropped_total', 'reason="overflow"'), 3);
    assert.equal(sample(metrics, 'broker_audit_queue_length'), 2);
    assert.equal(lines.filter((l) => /audit queue full/.test(String(l.msg))).length, 1);

    bus.state.connected = true;
    await audit.drain(5000);
    assert.deepEqual(
      bus.published.map((p) => JSON.parse(p.event.data).email),
      ['u0@x.y', 'u1@x.y'],
    );
  });

  test('when RabbitMQ stays down through shutdown, then the events left are counted and logged as lost', async () => {
    const bus = fakeEvents();
    bus.state.connected = false;
    const { registry } = createMetrics('broker-service');
    const { logger, lines } = capturingLogger();
    const audit = createAuditTrail({ events: bus.events, registry, logger, capacity: 10 });
    for (let i = 0; i < 3; i++)
      audit.authentication({ email: 'a@b.c', success: false, status: 401 }, `r${i}`);
    await audit.drain(100);
    assert.equal(sample(await registry.metrics(), 'broker_audit_dropped_total', 'reason="shutdown"'), 3);
    assert.ok(
      lines.some((l) => l.lost === 3),
      'the loss is logged with its count',
    );
  });

  test('when a publish fails while connected, then that event is counted and the next one still goes out', async () => {
    const bus = fakeEvents();
    const { registry } = createMetrics('broker-service');
    const { logger } = capturingLogger();
    let failNext = true;
    const events: EventPublisher = {
      isConnected: () => true,
      publish: async (event, options) => {
        if (failNext) {
          failNext = false;
          throw new Error('nack');
        }
        return bus.events.publish(event, options);
      },
    };
    const audit = createAuditTrail({ events, registry, logger, capacity: 10 });
    audit.authentication({ email: 'first@x.y', success: true, status: 202 }, 'r1');
    audit.authentication({ email: 'second@x.y', success: true, status: 202 }, 'r2');
    await audit.drain(5000);
    assert.deepEqual(
      bus.published.map((p) => JSON.parse(p.event.data).email),
      ['second@x.y'],
    );
    const metrics = await registry.metrics();
    assert.equal(sample(metrics, 'broker_event_publish_failures_total', 'event="authentication"'), 1);
    assert.equal(sample(metrics, 'broker_audit_dropped_total', 'reason="failed"'), 1);
  });
});
