/**
 * `node --import @suite/toolbox/tracing dist/main.js`: starts OpenTelemetry before the service's
 * own modules load, so the instrumentations can patch what they import. Configured only by the
 * standard `OTEL_*` variables; without an endpoint (or with `OTEL_SDK_DISABLED=true`) it loads
 * nothing at all.
 */
import { startTracing } from './sdk.js';

await startTracing();
