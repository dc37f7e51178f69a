export { type AppDeps, createApp } from './app.js';
export { type AuthClient, type AuthOutcome, createAuthClient } from './clients/auth.js';
export { type Config, configSchema, readConfig } from './config.js';
export {
  createWriteLogHandler,
  type GrpcServer,
  type GrpcServerOptions,
  startGrpcServer,
} from './grpc/server.js';
export { createRpcDispatcher, type RpcDispatcher } from './rpc/dispatcher.js';
export { type RpcServer, type RpcServerOptions, startRpcServer } from './rpc/server.js';
export {
  createLogStore,
  type ListQuery,
  LOGS_COLLECTION,
  type LogIds,
  type LogPage,
  type LogStore,
  type StoredLog,
} from './store/logs.js';
export { createMongoClient, DEFAULT_DATABASE, databaseNameFromUrl } from './store/mongo.js';
