export { ConfigError, env, loadConfig, splitHostPort } from './config.js';
export { type Envelope, envelope, errorEnvelope, sendError, sendOk } from './envelope.js';
export {
  AppError,
  badGateway,
  badRequest,
  gatewayTimeout,
  isAppError,
  notFound,
  unauthorized,
  unavailable,
} from './errors.js';
export { type ReadinessChecks, type ReadinessReport, runReadiness, withTimeout } from './health.js';
export {
  accepted,
  createHttpApp,
  describeZodError,
  errorMiddleware,
  finishHttpApp,
  type HttpAppOptions,
  readJsonBody,
} from './http-app.js';
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponse,
} from './http-client.js';
export { createLogger, type Logger } from './logger.js';
export { createMetrics, type HttpMetrics, type Registry } from './metrics.js';
export {
  acceptOrCreateRequestId,
  currentForwardedFor,
  currentLogger,
  currentRequestId,
  REQUEST_ID_HEADER,
  runWithRequestId,
} from './request-context.js';
export { backoffDelay, connectWithRetry, type RetryOptions, retry, sleep } from './retry.js';
export { type ServeOptions, serveHttp } from './serve.js';
export { runMain } from './service.js';
export {
  closeHttpServer,
  handleShutdown,
  listen,
  type ShutdownOptions,
  type ShutdownStep,
} from './shutdown.js';
