import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before } from 'node:test';
import { WebClient } from '@suite/test-kit';
import { closeHttpServer, createLogger, listen } from '@suite/toolbox';
import { readConfig } from '../../src/config.js';
import { buildLoggerService, type LoggerService } from '../../src/service.js';
import type { LogStore } from '../../src/store/logs.js';
import { startAuthServer } from './auth-server.js';
import { FakeSessionStore } from './fake-store.js';
import { startTestMongo, type TestMongo } from './mongo.js';

/** Random per run: any value written in the repository is public, and the service refuses it. */
export const SESSION_SECRET = randomBytes(32).toString('hex');

export interface RunningService {
  service: LoggerService;
  httpUrl: string;
  rpcPort: number;
  grpcAddress: string;
  web(): WebClient;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Settings on top of the test defaults, as the environment would give them. */
  env?: Record<string, string>;
  /** The clock sessions expire by. */
  now?: () => Date;
}

/**
 * The service as main.ts builds it (buildLoggerService), on ephemeral loopback ports: against the test
 * MongoDB, or against an in-memory store for unit tests; a real HTTP server stands in for
 * authentication-service unless the settings name one.
 */
export async function startService(
  backend: Pick<TestMongo, 'url'> | LogStore,
  options: StartOptions = {},
): Promise<RunningService> {
  const logger = createLogger('logger-service-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const authServer = options.env?.AUTH_SERVICE_URL ? undefined : await startAuthServer();
  const mongo = 'url' in backend ? backend : undefined;
  const config = readConfig({
    BIND_HOST: '127.0.0.1',
    PORT: '0',
    RPC_PORT: '0',
    GRPC_PORT: '0',
    MONGO_URL: mongo?.url ?? 'mongodb://127.0.0.1:9/unused',
    AUTH_SERVICE_URL: authServer?.url ?? 'http://127.0.0.1:9',
    SESSION_SECRET,
    ...options.env,
  });
  const service = await buildLoggerService(config, {
    logger,
    store: mongo ? undefined : (backend as LogStore),
    sessions: mongo ? undefined : new FakeSessionStore(),
    now: options.now,
    closeGraceMs: 1000,
  });
  const server = http.createServer(service.app);
  const port = await listen(server, 0, '127.0.0.1');
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    service,
    httpUrl,
    rpcPort: service.rpc.port,
    grpcAddress: `127.0.0.1:${service.grpc.port}`,
    web: () => new WebClient(httpUrl),
    async close() {
      await closeHttpServer(server, 1000);
      await service.close();
      await authServer?.close();
    },
  };
}

/**
 * A fresh test MongoDB and the service on it, started before the suite's tests and closed after them
 * (call inside `describe`); the fields are set once the suite's `before` has run.
 */
export function serviceOnTestMongo(options: StartOptions = {}): {
  mongo: TestMongo;
  service: RunningService;
} {
  const fixture = {} as { mongo: TestMongo; service: RunningService };
  before(async () => {
    fixture.mongo = await startTestMongo();
    fixture.service = await startService(fixture.mongo, options);
  });
  after(async () => {
    await fixture.service?.close();
    await fixture.mongo?.close();
  });
  return fixture;
}
