import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

export { type Context, type Link, type Span, SpanKind } from '@opentelemetry/api';

/** The answer's header naming the request's trace (when traced), e.g. for the page's trace link. */
export const TRACE_ID_HEADER = 'X-Trace-Id';

/** The span attribute every span of a request carries: the request id, unchanged. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

/** `REQUEST_ID_ATTRIBUTE` for a span's attributes, or nothing when the call named no request. */
export const requestIdAttributes = (requestId: string | undefined): Attributes =>
  requestId ? { [REQUEST_ID_ATTRIBUTE]: requestId } : {};

/**
 * The suite's own spans (routing, bcrypt, render, SMTP, batches, group commits) beside the
 * instrumentations'. Through the API only: without the SDK (`--import @suite/toolbox/tracing` and an
 * endpoint) every span is a no-op.
 */
const tracer = trace.getTracer('@suite/toolbox');

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  links?: Link[];
  /** The parent; the active context when absent. */
  parent?: Context;
  /** A new trace, whatever the active context (with links to where it came from). */
  root?: boolean;
}

/** Runs `fn` in a new active span, ended when it settles; a failure is recorded on it and rethrown. */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const { parent = context.active(), ...rest } = options;
  return tracer.startActiveSpan(name, rest, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span the caller ends itself (one that starts in one place and ends in another). */
export function startSpan(name: string, options: SpanOptions = {}): Span {
  const { parent = context.active(), ...rest } = options;
  return tracer.startSpan(name, rest, parent);
}

export function failSpan(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** The active context with `span` as its current span: a parent for spans started elsewhere. */
export function contextWithSpan(span: Span): Context {
  return trace.setSpan(context.active(), span);
}

/** Runs `fn` with `span` active (its children and outgoing calls hang under it). */
export function withActiveSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** The active span, if any (recording or not). */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** The trace id of the active span, when it is recorded (stored with a log entry, linked from the UIs). */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) && spanContext.traceFlags & 1
    ? spanContext.traceId
    : undefined;
}

/** Sets the request id on the active span (the HTTP server span, opened before the id was known). */
export function tagActiveSpan(requestId: string): void {
  trace.getActiveSpan()?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
}

/** Sends the spans still held by the SDK; at shutdown, before the process exits. */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?(): unknown };
  const delegate = (provider.getDelegate?.() ?? provider) as { forceFlush?(): Promise<void> };
  await delegate.forceFlush?.();
}
