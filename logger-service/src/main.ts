import { runMain, serveHttp } from '@suite/toolbox';
import { readConfig } from './config.js';
import { buildLoggerService } from './service.js';

runMain('logger-service', async () => {
  const config = readConfig();
  const service = await buildLoggerService(config);
  await serveHttp(service.app, {
    port: config.PORT,
    host: config.BIND_HOST,
    logger: service.logger,
    details: { rpcPort: service.rpc.port, grpcPort: service.grpc.port },
    closeAfter: [['logger-service', () => service.close()]],
  });
});
