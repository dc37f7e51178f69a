import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Suite, startSuite } from '@suite/launcher';
import {
  type CollectedSpan,
  type SpanCollector,
  startSpanCollector,
  uniqueName,
  waitFor,
} from '@suite/test-kit';

/** One hop of a path: what a span on it looks like. */
type Hop = { label: string; matches(span: CollectedSpan): boolean };

const CLIENT = 3;
const PRODUCER = 4;
const dbSystem = (span: CollectedSpan) => span.attributes['db.system'] ?? span.attributes['db.system.name'];
const service = (name: string): Hop => ({ label: name, matches: (s) => s.service === name });
const BROKER = service('broker-service');
const AUTH = service('authentication-service');
const LOGGER = service('logger-service');
const LISTENER = service('listener-service');
const MAIL = service('mail-service');
const MONGODB: Hop = { label: 'MongoDB', matches: (s) => s.kind === CLIENT && dbSystem(s) === 'mongodb' };
const POSTGRESQL: Hop = {
  label: 'PostgreSQL',
  matches: (s) => s.kind === CLIENT && dbSystem(s) === 'postgresql',
};
const RABBITMQ: Hop = {
  label: 'RabbitMQ',
  matches: (s) => s.kind === PRODUCER && s.attributes['messaging.system'] === 'rabbitmq',
};
const SMTP: Hop = { label: 'SMTP', matches: (s) => s.service === 'mail-service' && s.name === 'smtp send' };
const BCRYPT: Hop = { label: 'bcrypt', matches: (s) => s.name === 'bcrypt compare' };
const ROUTING: Hop = { label: 'routing', matches: (s) => s.name.startsWith('route ') };
const EVENT_PATH = [BROKER, RABBITMQ, LISTENER, LOGGER, MONGODB];

/** The six buttons of the page: what each sends, and the paths its one trace must cover, in parent order. */
const BUTTONS: { button: string; path: string; body: unknown; paths: Hop[][] }[] = [
  { button: 'Test Broker', path: '/', body: {}, paths: [EVENT_PATH] },
  {
    button: 'Test Auth',
    path: '/handle',
    body: { action: 'auth', auth: { email: 'demo@example.com', password: 'demo-password' } },
    paths: [[BROKER, ROUTING, AUTH, BCRYPT], [BROKER, AUTH, POSTGRESQL], EVENT_PATH],
  },
  {
    button: 'Test Log',
    path: '/handle',
    body: { action: 'log', log: { name: 'event', data: 'traced over JSON-RPC' } },
    paths: [[BROKER, ROUTING, LOGGER, MONGODB]],
  },
  {
    button: 'Test gRPC Log',
    path: '/log-grpc',
    body: { log: { name: 'event', data: 'traced over gRPC' } },
    paths: [[BROKER, LOGGER, MONGODB]],
  },
  {
    button: 'Test Log via RabbitMQ',
    path: '/handle',
    body: { action: 'log', via: 'rabbitmq', log: { name: 'event', data: 'traced over RabbitMQ' } },
    paths: [[BROKER, ROUTING, ...EVENT_PATH.slice(1)]],
  },
  {
    button: 'Test Mail',
    path: '/handle',
    body: {
      action: 'mail',
      mail: { from: 'me@example.com', to: 'you@example.com', subject: 'Traced', message: 'Hello' },
    },
    paths: [[BROKER, ROUTING, MAIL, SMTP]],
  },
];

/** A chain of spans, each a descendant of the one before, that walks the hops in order; or why not. */
function walk(spans: CollectedSpan[], hops: Hop[]): CollectedSpan[] | undefined {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const descends = (span: CollectedSpan, ancestor: CollectedSpan) => {
    for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId))
      if (p === ancestor) return true;
    return false;
  };
  const from = (index: number, above: CollectedSpan | undefined): CollectedSpan[] | undefined => {
    const hop = hops[index];
    if (!hop) return [];
    for (const span of spans) {
      if (!hop.matches(span) || (above && !descends(span, above))) continue;
      const rest = from(index + 1, span);
      if (rest) return [span, ...rest];
    }
    return undefined;
  };
  return from(0, undefined);
}

const describeSpans = (spans: CollectedSpan[]) =>
  spans
    .map(
      (s) =>
        `${s.service}: ${s.name} (${s.traceId.slice(0, 8)}/${s.spanId.slice(0, 6)}<-${s.parentSpanId.slice(0, 6)})`,
    )
    .join('\n');

describe('tracing: one click, one trace across every service and store', () => {
  let collector: SpanCollector;
  let suite: Suite;

  before(async () => {
    collector = await startSpanCollector();
    suite = await startSuite({
      env: {
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      serviceEnv: { 'listener-service': { RETRY_BASE_MS: '200', RETRY_MAX_MS: '400' } },
    });
  });

  after(async () => {
    await suite?.stop();
    await collector?.close();
  });

  /** Sends a button's request with its own request id; the spans tagged with it, once `done` holds. */
  async function click(path: string, body: unknown, requestId: string): Promise<void> {
    const response = await fetch(`${suite.urls.broker}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 202, await response.text());
  }

  const spansOf = (requestId: string) => {
    const tagged = collector.spans().filter((s) => s.attributes['request.id'] === requestId);
    const traces = new Set(tagged.map((s) => s.traceId));
    return { tagged, traces, all: collector.spans().filter((s) => traces.has(s.traceId)) };
  };

  /** Waits until one trace holds every path, then checks that the request made that trace only. */
  async function expectOneTrace(requestId: string, paths: Hop[][]): Promise<CollectedSpan[]> {
    await waitFor(
      () => {
        const { all } = spansOf(requestId);
        return paths.every((hops) => walk(all, hops));
      },
      {
        timeoutMs: 20_000,
        describe: () => {
          const { all } = spansOf(requestId);
          const missing = paths
            .filter((hops) => !walk(all, hops))
            .map((h) => h.map((x) => x.label).join(' > '));
          return `missing ${missing.join('; ')} in:\n${describeSpans(all)}`;
        },
      },
    );
    const { traces, all } = spansOf(requestId);
    assert.equal(traces.size, 1, `one trace for ${requestId}, got ${traces.size}:\n${describeSpans(all)}`);
    // The request id is an attribute of every span of the services the request went through.
    for (const span of all.filter(
      (s) => s.service !== '' && s.kind !== CLIENT && s.name !== 'logs group write',
    )) {
      assert.equal(span.attributes['request.id'], requestId, `request id on ${span.service}: ${span.name}`);
    }
    return all;
  }

  for (const { button, path, body, paths } of BUTTONS) {
    test(`${button}: exactly one trace covering ${[...new Set(paths.flat().map((h) => h.label))].join(', ')}`, async () => {
      const requestId = uniqueName('trace', '-');
      await click(path, body, requestId);
      await expectOneTrace(requestId, paths);
    });
  }

  test('a listener retry after a logger outage stays in the trace of the click', async () => {
    await suite.stopService('logger-service');
    const requestId = uniqueName('retry', '-');
    try {
      await click(
        '/handle',
        { action: 'log', via: 'rabbitmq', log: { name: 'event', data: 'retried' } },
        requestId,
      );
      // The listener took the event and scheduled a retry (a publish of its own) while the logger was away.
      await waitFor(
        () => spansOf(requestId).all.some((s) => s.service === 'listener-service' && s.kind === PRODUCER),
        { timeoutMs: 20_000, describe: () => describeSpans(spansOf(requestId).all) },
      );
    } finally {
      await suite.startService('logger-service');
    }
    const all = await expectOneTrace(requestId, [EVENT_PATH]);
    const deliveries = all.filter((s) => s.service === 'listener-service' && s.kind === 5);
    assert.ok(deliveries.length >= 2, `the first delivery and the retry, got:\n${describeSpans(all)}`);
  });
});
