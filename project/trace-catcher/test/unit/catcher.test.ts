import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTraceCatcher, type TraceCatcher } from '../../src/index.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** An OTLP/HTTP JSON export as the services' exporter sends it: one span per service given. */
function exportOf(
  spans: { service: string; spanId: string; parent?: string; name: string; startMs: number }[],
) {
  return {
    resourceSpans: spans.map((s) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: s.service } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: [
            {
              traceId: TRACE,
              spanId: s.spanId,
              parentSpanId: s.parent,
              name: s.name,
              kind: 2,
              startTimeUnixNano: String(BigInt(s.startMs) * 1_000_000n),
              endTimeUnixNano: String(BigInt(s.startMs + 5) * 1_000_000n),
              attributes: [{ key: 'request.id', value: { stringValue: 'r-1' } }],
            },
          ],
        },
      ],
    })),
  };
}

describe('trace catcher', () => {
  let catcher: TraceCatcher;

  before(async () => {
    catcher = await startTraceCatcher({ otlpPort: 0, webPort: 0 });
  });
  after(() => catcher.close());

  test('takes OTLP/HTTP JSON, lists the trace, draws its waterfall and answers Jaeger-style queries', async () => {
    const sent = await fetch(`${catcher.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        exportOf([
          { service: 'broker-service', spanId: 'aaaaaaaaaaaaaaaa', name: 'POST /handle', startMs: 1000 },
          {
            service: 'logger-service',
            spanId: 'bbbbbbbbbbbbbbbb',
            parent: 'aaaaaaaaaaaaaaaa',
            name: 'LogInfo',
            startMs: 1001,
          },
        ]),
      ),
    });
    assert.equal(sent.status, 200);

    const list = await (await fetch(catcher.webUrl)).text();
    assert.match(list, new RegExp(`/trace/${TRACE}`));
    assert.match(list, /broker-service: POST (\/|&#x2F;)handle/);

    const page = await (await fetch(`${catcher.webUrl}/trace/${TRACE}`)).text();
    const rows = [...page.matchAll(/<tr class="span" data-service="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(rows, ['broker-service', 'logger-service'], 'parent first, child after');

    const api = (await (await fetch(`${catcher.webUrl}/api/traces/${TRACE}`)).json()) as {
      data: { spans: { operationName: string; references: { spanID: string }[] }[]; processes: object }[];
    };
    const [trace] = api.data;
    assert.ok(trace);
    assert.deepEqual(
      Object.values(trace.processes).map((p) => (p as { serviceName: string }).serviceName),
      ['broker-service', 'logger-service'],
    );
    const child = trace.spans.find((s) => s.operationName === 'LogInfo');
    assert.equal(child?.references[0]?.spanID, 'aaaaaaaaaaaaaaaa');

    const byService = (await (await fetch(`${catcher.webUrl}/api/traces?service=logger-service`)).json()) as {
      data: unknown[];
    };
    assert.equal(byService.data.length, 1);
  });

  test('refuses what is not OTLP JSON, and answers 404 for an unknown trace', async () => {
    const bad = await fetch(`${catcher.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(bad.status, 400);
    const protobuf = await fetch(`${catcher.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: 'x',
    });
    assert.equal(protobuf.status, 415);
    assert.equal((await fetch(`${catcher.webUrl}/api/traces/${'0'.repeat(31)}1`)).status, 404);
  });
});
