import type { TraceSpan } from './otlp.js';

export interface Trace {
  traceId: string;
  spans: TraceSpan[];
}

export interface TraceSummary {
  traceId: string;
  /** The root span's service and name (the first span seen while the root has not arrived). */
  service: string;
  name: string;
  startMicros: number;
  durationMicros: number;
  spanCount: number;
  services: string[];
  errors: number;
}

/** The newest traces in memory; the oldest is dropped past `maxTraces`. */
export class TraceStore {
  private readonly traces = new Map<string, TraceSpan[]>();

  constructor(private readonly maxTraces: number) {}

  add(spans: readonly TraceSpan[]): void {
    for (const span of spans) {
      let trace = this.traces.get(span.traceId);
      if (!trace) {
        trace = [];
        this.traces.set(span.traceId, trace);
        if (this.traces.size > this.maxTraces) {
          const oldest = this.traces.keys().next().value;
          if (oldest !== undefined) this.traces.delete(oldest);
        }
      }
      trace.push(span);
    }
  }

  get(traceId: string): Trace | undefined {
    const spans = this.traces.get(traceId.toLowerCase());
    return spans ? { traceId: traceId.toLowerCase(), spans: [...spans] } : undefined;
  }

  /** Newest first; only traces with a span of `service` when given. */
  find(options: { service?: string; limit?: number } = {}): Trace[] {
    const { service, limit = 20 } = options;
    const out: Trace[] = [];
    for (const [traceId, spans] of [...this.traces].reverse()) {
      if (service && !spans.some((s) => s.service === service)) continue;
      out.push({ traceId, spans: [...spans] });
      if (out.length >= limit) break;
    }
    return out;
  }

  services(): string[] {
    const names = new Set<string>();
    for (const spans of this.traces.values()) for (const span of spans) names.add(span.service);
    return [...names].sort();
  }

  clear(): void {
    this.traces.clear();
  }
}

export function summarize(trace: Trace): TraceSummary {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const root = trace.spans.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? trace.spans[0];
  const start = Math.min(...trace.spans.map((s) => s.startMicros));
  const end = Math.max(...trace.spans.map((s) => s.startMicros + s.durationMicros));
  return {
    traceId: trace.traceId,
    service: root?.service ?? '',
    name: root?.name ?? '',
    startMicros: start,
    durationMicros: end - start,
    spanCount: trace.spans.length,
    services: [...new Set(trace.spans.map((s) => s.service))],
    errors: trace.spans.filter((s) => s.error).length,
  };
}

/** Spans in tree order (each after its parent, siblings by start) with their depth, for the waterfall. */
export function treeOrder(spans: readonly TraceSpan[]): { span: TraceSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: TraceSpan, b: TraceSpan) => a.startMicros - b.startMicros;
  const out: { span: TraceSpan; depth: number }[] = [];
  const visit = (span: TraceSpan, depth: number) => {
    out.push({ span, depth });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  return out;
}
