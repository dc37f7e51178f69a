import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';

/**
 * The W3C trace context on our own wires (a JSON-RPC call's params, a WriteLogStream entry), where no
 * instrumentation carries it: HTTP, gRPC metadata and AMQP headers are carried by the SDK's own.
 * Without a tracing SDK loaded every function here does nothing and costs next to nothing.
 */
export const TRACEPARENT_FIELD = 'traceparent';

/** The active context as a `traceparent` value, or undefined when nothing is traced. */
export function currentTraceparent(active: Context = context.active()): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(active, carrier);
  return carrier.traceparent;
}

const SINGLE_FIELD: TextMapGetter<string | undefined> = {
  keys: () => [TRACEPARENT_FIELD],
  get: (value, key) => (key === TRACEPARENT_FIELD ? value : undefined),
};

/** The remote parent a `traceparent` names, under the root context (a malformed one is ignored). */
export function contextOf(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, traceparent, SINGLE_FIELD) : context.active();
}

/** The span a `traceparent` names, e.g. for a link to it; undefined when there is none. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  return traceparent ? trace.getSpanContext(contextOf(traceparent)) : undefined;
}
