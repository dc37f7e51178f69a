import { createEventEmitter, createLogGrpcClient, createLogRpcClient } from '@suite/proto';
import { createHttpClient, createLogger, runMain, serveHttp } from '@suite/toolbox';
import { createApp, SERVICE } from './app.js';
import { AUTH_SERVICE, createAuthClient } from './clients/auth.js';
import { createLoggerHttpClient, LOGGER_SERVICE } from './clients/logger-http.js';
import { createMailClient, MAIL_SERVICE } from './clients/mail.js';
import { readConfig } from './config.js';

runMain(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const timeoutMs = config.DOWNSTREAM_TIMEOUT_MS;
  const authHttp = createHttpClient({ service: AUTH_SERVICE, baseURL: config.AUTH_SERVICE_URL, timeoutMs });
  const mailHttp = createHttpClient({
    service: MAIL_SERVICE,
    baseURL: config.MAIL_SERVICE_URL,
    timeoutMs: config.MAIL_TIMEOUT_MS,
  });
  const loggerHttp = createHttpClient({
    service: LOGGER_SERVICE,
    baseURL: config.LOGGER_SERVICE_URL,
    timeoutMs,
  });
  const loggerRpc = createLogRpcClient({ address: config.LOGGER_RPC_ADDR, timeoutMs });
  const loggerGrpc = createLogGrpcClient({ address: config.LOGGER_GRPC_ADDR, timeoutMs });
  // Connects (and reconnects) in the background; /readyz stays 503 until RabbitMQ answers.
  const events = createEventEmitter({
    url: config.RABBIT_URL,
    logger,
    publishTimeoutMs: timeoutMs,
    exchange: config.EXCHANGE_NAME,
    queue: config.QUEUE_NAME,
  });

  const app = createApp({
    logger,
    auth: createAuthClient(authHttp),
    mail: createMailClient(mailHttp),
    loggerHttp: createLoggerHttpClient(loggerHttp),
    loggerRpc,
    loggerGrpc,
    events,
    corsOrigins: config.CORS_ORIGINS,
  });
  await serveHttp(app, {
    port: config.PORT,
    logger,
    closeAfter: [
      ['rabbitmq', () => events.close()],
      ['logger rpc', async () => loggerRpc.close()],
      ['logger grpc', async () => loggerGrpc.close()],
      [
        'http clients',
        async () => {
          for (const client of [authHttp, mailHttp, loggerHttp]) client.close();
        },
      ],
    ],
  });
});
