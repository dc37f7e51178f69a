export { ConfigError, env, loadConfig, splitHostPort } from './config.js';
export { type Envelope, sendOk } from './envelope.js';
export {
  AppError,
  badGateway,
  badRequest,
  gatewayTimeout,
  isAppError,
  unauthorized,
  unavailable,
} from './errors.js';
export { type ReadinessChecks, withTimeout } from './health.js';
export {
  accepted,
  createHttpApp,
  describeZodError,
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
export { acceptOrCreateRequestId, currentRequestId, runWithRequestId } from './request-context.js';
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
