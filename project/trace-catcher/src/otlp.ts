import { gunzipSync } from 'node:zlib';

/** One finished span as a service exported it. */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  /** Empty for a trace's root. */
  parentSpanId: string;
  name: string;
  /** OTLP's kinds: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The exporting process's `service.name`. */
  service: string;
  /** Microseconds since the epoch, as Jaeger counts. */
  startMicros: number;
  durationMicros: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  /** True when the span ended in an error. */
  error: boolean;
}

type OtlpValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type OtlpAttribute = { key: string; value?: OtlpValue };
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpAttribute[];
  links?: { traceId?: string; spanId?: string }[];
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const otlpValue = (value: OtlpValue | undefined): string | number | boolean | undefined => {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.boolValue ?? value.doubleValue;
};

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = otlpValue(value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const micros = (nanos: string | number | undefined) => Number(BigInt(nanos ?? 0) / 1000n);

/**
 * The spans of one OTLP/HTTP export request in its JSON encoding (what the suite's exporters send),
 * gzip or not. Throws on a body that is not such a request.
 */
export function parseExport(body: Buffer, contentEncoding?: string): TraceSpan[] {
  const text = (contentEncoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
  const request = JSON.parse(text) as OtlpRequest;
  if (request === null || typeof request !== 'object') throw new Error('not an OTLP export request');
  const spans: TraceSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        if (!span.traceId || !span.spanId) continue;
        const startMicros = micros(span.startTimeUnixNano);
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name ?? '',
          kind: span.kind ?? 1,
          service,
          startMicros,
          durationMicros: Math.max(0, micros(span.endTimeUnixNano) - startMicros),
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).flatMap((l) =>
            l.traceId && l.spanId ? [{ traceId: l.traceId, spanId: l.spanId }] : [],
          ),
          error: span.status?.code === 2,
        });
      }
    }
  }
  return spans;
}
