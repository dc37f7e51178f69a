import { connectWithRetry, createLogger, createMetrics, runMain, serveHttp } from '@suite/toolbox';
import { createApp } from './app.js';
import { createAuthClient } from './clients/auth.js';
import { readConfig } from './config.js';
import { startGrpcServer } from './grpc/server.js';
import { startRpcServer } from './rpc/server.js';
import { countWrites, createWriteCounter } from './store/counted.js';
import { createLogStore } from './store/logs.js';
import { createMongoClient, databaseNameFromUrl } from './store/mongo.js';

runMain('logger-service', async () => {
  const config = readConfig();
  const logger = createLogger('logger-service', config.LOG_LEVEL);
  const mongo = createMongoClient(config.MONGO_URL);
  const store = createLogStore(mongo.db(databaseNameFromUrl(config.MONGO_URL)), { logger });
  await connectWithRetry('mongodb', () => store.init(), logger);
  const auth = createAuthClient(config.AUTH_SERVICE_URL);

  const metrics = createMetrics('logger-service');
  const writes = createWriteCounter(metrics.registry);

  const rpc = await startRpcServer({
    store: countWrites(store, writes, 'rpc'),
    logger,
    port: config.RPC_PORT,
  });
  const grpc = await startGrpcServer({
    store: countWrites(store, writes, 'grpc'),
    logger,
    port: config.GRPC_PORT,
  });
  const app = createApp({
    store: countWrites(store, writes, 'http'),
    auth,
    logger,
    metrics,
    sessionSecret: config.SESSION_SECRET,
  });
  await serveHttp(app, {
    port: config.PORT,
    logger,
    details: { rpcPort: rpc.port, grpcPort: grpc.port },
    closeAfter: [
      ['json-rpc', () => rpc.close()],
      ['grpc', () => grpc.close()],
      ['auth-client', async () => auth.close()],
      ['mongodb', () => mongo.close()],
    ],
  });
});
