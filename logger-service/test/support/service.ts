import http from 'node:http';
import { closeHttpServer, createLogger, listen } from '@suite/toolbox';
import { createApp } from '../../src/app.js';
import { createAuthClient } from '../../src/clients/auth.js';
import { type GrpcServer, startGrpcServer } from '../../src/grpc/server.js';
import { type RpcServer, startRpcServer } from '../../src/rpc/server.js';
import type { LogStore } from '../../src/store/logs.js';
import { startAuthServer } from './auth-server.js';
import { WebClient } from './web-client.js';

export const SESSION_SECRET = 'test-session-secret-0123456789';

export interface RunningService {
  httpUrl: string;
  rpcPort: number;
  grpcAddress: string;
  rpc: RpcServer;
  web(): WebClient;
  close(): Promise<void>;
}

/** The whole service in-process on ephemeral ports, with a real HTTP server standing in for authentication-service. */
export async function startService(
  store: LogStore,
  options: { rpcMaxLineBytes?: number } = {},
): Promise<RunningService> {
  const logger = createLogger('logger-service-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const authServer = await startAuthServer();
  const auth = createAuthClient(authServer.url, 2000);
  const app = createApp({ store, auth, logger, sessionSecret: SESSION_SECRET });
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  const rpc = await startRpcServer({
    store,
    logger,
    port: 0,
    host: '127.0.0.1',
    maxLineBytes: options.rpcMaxLineBytes,
    closeGraceMs: 1000,
  });
  let grpc: GrpcServer | undefined;
  try {
    grpc = await startGrpcServer({ store, logger, port: 0, host: '127.0.0.1' });
  } catch (err) {
    await rpc.close();
    await closeHttpServer(server);
    throw err;
  }
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    httpUrl,
    rpcPort: rpc.port,
    grpcAddress: `127.0.0.1:${grpc.port}`,
    rpc,
    web: () => new WebClient(httpUrl),
    async close() {
      await closeHttpServer(server, 1000);
      await rpc.close();
      await grpc?.close(1000);
      auth.close();
      await authServer.close();
    },
  };
}
