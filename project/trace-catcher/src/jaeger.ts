import type { Trace } from './store.js';

/**
 * A trace in the shape of Jaeger's query API (`/api/traces`), so whatever reads Jaeger (the
 * container checks, a script) reads the catcher the same way.
 */
export function toJaeger(trace: Trace) {
  const processes: Record<string, { serviceName: string; tags: never[] }> = {};
  const processOf = new Map<string, string>();
  for (const span of trace.spans) {
    if (!processOf.has(span.service)) {
      const id = `p${processOf.size + 1}`;
      processOf.set(span.service, id);
      processes[id] = { serviceName: span.service, tags: [] };
    }
  }
  return {
    traceID: trace.traceId,
    spans: trace.spans.map((span) => ({
      traceID: span.traceId,
      spanID: span.spanId,
      operationName: span.name,
      references: [
        ...(span.parentSpanId
          ? [{ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId }]
          : []),
        ...span.links.map((l) => ({ refType: 'FOLLOWS_FROM', traceID: l.traceId, spanID: l.spanId })),
      ],
      startTime: span.startMicros,
      duration: span.durationMicros,
      tags: Object.entries(span.attributes).map(([key, value]) => ({
        key,
        type: typeof value === 'number' ? 'int64' : typeof value === 'boolean' ? 'bool' : 'string',
        value,
      })),
      processID: processOf.get(span.service),
    })),
    processes,
  };
}
