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
export {
  AppError,
  badGateway,
  badRequest,
  isAppError,
  tooManyRequests,
  unauthorized,
  unavailable,
} from './errors.js';
export { type FailureKind, publicMessage, serviceFailure } from './failures.js';
export { withTimeout } from './health.js';
export { accepted, createHttpApp, describeZodError, readJsonBody, readJsonObject } from './http-app.js';
export { createHttpClient, type HttpClient, type HttpResponse } from './http-client.js';
export { createLogger, type Logger } from './logger.js';
export { createMetrics, type HttpMetrics, type Registry } from './metrics.js';
export { acceptOrCreateRequestId, currentRequestId } from './request-context.js';
export { connectWithRetry, retry, sleep } from './retry.js';
export { serveHttp } from './serve.js';
export { runMain } from './service.js';
export { closeHttpServer, handleShutdown, listen } from './shutdown.js';
