import { register } from 'node:module';
import path from 'node:path';
import type { Span } from '@opentelemetry/api';
import { currentRequestId, REQUEST_ID_HEADER } from '../request-context.js';
import { REQUEST_ID_ATTRIBUTE } from '../trace.js';

/** Requests the instrumentations leave untraced: probes and scrapes, many a minute, worth no trace. */
const QUIET_PATHS = ['/ping', '/readyz', '/metrics', '/health/dependencies', '/favicon.ico'];

/** Tracing is on when an OTLP endpoint is configured and the SDK is not disabled. */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** `OTEL_SERVICE_NAME`, else the folder of the script run (`broker-service/dist/main.js`: broker-service). */
export function serviceNameOf(env: NodeJS.ProcessEnv, script = process.argv[1] ?? ''): string {
  if (env.OTEL_SERVICE_NAME) return env.OTEL_SERVICE_NAME;
  const dir = path.dirname(script);
  return path.basename(path.basename(dir) === 'dist' ? path.dirname(dir) : dir) || 'unknown_service';
}

export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!tracingEnabled(env)) return;
  // The ESM hook wraps only the modules an instrumentation asks for (not every import).
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const [
    { startNodeSdk },
    { BatchSpanProcessor },
    { OTLPTraceExporter: JsonExporter },
    { OTLPTraceExporter: ProtobufExporter },
    { HttpInstrumentation },
    { ExpressInstrumentation, ExpressLayerType },
    { UndiciInstrumentation },
    { GrpcInstrumentation },
    { AmqplibInstrumentation },
    { PgInstrumentation },
    { MongoDBInstrumentation },
    { PinoInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-grpc'),
    import('@opentelemetry/instrumentation-amqplib'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-mongodb'),
    import('@opentelemetry/instrumentation-pino'),
  ]);

  const tagWithRequestId = (span: Span, requestId: unknown) => {
    if (typeof requestId === 'string' && requestId) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
  };
  startNodeSdk({
    resourceAttributes: { 'service.name': serviceNameOf(env) },
    // Traces only: no metrics or log records leave through OpenTelemetry.
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: [
      {
        // The request id on every span opened while a request is served.
        onStart: (span) => tagWithRequestId(span as unknown as Span, currentRequestId()),
        onEnd: () => {},
        forceFlush: async () => {},
        shutdown: async () => {},
      },
      // Spans leave in batches, off the request path, over OTLP/HTTP: JSON by default, which Jaeger and
      // the trace catcher both take; protobuf (cheaper to encode) with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf,
      // which Jaeger takes. The exporter reads the other OTEL_EXPORTER_OTLP_* variables itself.
      new BatchSpanProcessor({
        exporter: protocolOf(env) === 'http/protobuf' ? new ProtobufExporter() : new JsonExporter(),
        ...batchOptions(env),
      }),
    ],
    instrumentations: [
      // The HTTP server span gets its request id from createHttpApp (tagActiveSpan), once the id is
      // accepted or made: a hook here would copy the header before it is checked.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => QUIET_PATHS.includes((req.url ?? '').split('?')[0] ?? ''),
      }),
      // The route names the HTTP server span (`POST /handle`); no span per layer (middleware, router or
      // handler): each would cost more than it tells, the HTTP span already covers the handler.
      new ExpressInstrumentation({
        ignoreLayersType: [
          ExpressLayerType.MIDDLEWARE,
          ExpressLayerType.ROUTER,
          ExpressLayerType.REQUEST_HANDLER,
        ],
      }),
      new UndiciInstrumentation(),
      // WriteLogStream carries the entries of many requests on one long-lived stream: each entry is
      // traced on its own (its traceparent), the stream not at all.
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch', 'WriteLogStream'] }),
      new AmqplibInstrumentation({
        publishHook: (span, info) => tagWithRequestId(span, info.options?.headers?.[REQUEST_ID_HEADER]),
        consumeHook: (span, info) => tagWithRequestId(span, info.msg.properties.headers?.[REQUEST_ID_HEADER]),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
      // Trace and span ids in every log line written inside a span; the lines stay on stdout only.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  await waitForAllMessagesAcknowledged();
}

/** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL; the suite's default is http/json. */
export function protocolOf(env: NodeJS.ProcessEnv): string {
  return (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/json').trim();
}

const numberOf = (value: string | undefined) => {
  const n = Number(value);
  return value && Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** The standard OTEL_BSP_* settings (the processor reads none itself when built by hand). */
function batchOptions(env: NodeJS.ProcessEnv) {
  return {
    scheduledDelayMillis: numberOf(env.OTEL_BSP_SCHEDULE_DELAY),
    maxQueueSize: numberOf(env.OTEL_BSP_MAX_QUEUE_SIZE),
    maxExportBatchSize: numberOf(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE),
    exportTimeoutMillis: numberOf(env.OTEL_BSP_EXPORT_TIMEOUT),
  };
}
