export { clientAddressKey, parseTrustedProxies, type TrustedProxies } from './client-address.js';
export {
  ConfigError,
  describeSettingProblem,
  env,
  isLoopbackHost,
  isSecretSetting,
  loadConfig,
} from './config.js';
export { type Envelope, sendOk } from './envelope.js';
export { AppError, badRequest, isAppError, tooManyRequests, unauthorized } from './errors.js';
export {
  type HttpStatusOfKind,
  httpErrorOf,
  OWN_STORE_FAILURE_STATUS,
  PEER_FAILURE_STATUS,
  publicMessage,
} from './failures.js';
export { createHttpApp, describeZodError, readJsonBody, readJsonObject } from './http-app.js';
export { createHttpClient, type HttpClient, type HttpResponse } from './http-client.js';
export { createLogger, type Logger } from './logger.js';
export { createMetrics, type HttpMetrics, type Registry } from './metrics.js';
export { acceptOrCreateRequestId, currentRequestId, runInRequestContext } from './request-context.js';
export { createResources, type Resources } from './resources.js';
export { connectWithRetry, retry, sleep } from './retry.js';
export { runMain } from './run-main.js';
export { serveHttp } from './serve.js';
export { closeHttpServer, handleShutdown, listen } from './shutdown.js';
export {
  activeSpan,
  type Context,
  contextWithSpan,
  currentTraceId,
  failSpan,
  flushTraces,
  type Link,
  REQUEST_ID_ATTRIBUTE,
  requestIdAttributes,
  type Span,
  SpanKind,
  type SpanOptions,
  startSpan,
  TRACE_ID_HEADER,
  tagActiveSpan,
  withActiveSpan,
  withSpan,
} from './trace.js';
export { withTimeout } from './with-timeout.js';
