export { readLines, type LineReaderOptions } from './framing.js';
export {
  createLogGrpcClient,
  type LogGrpcClient,
  type LogGrpcClientOptions,
  type LogMessage,
  type LogRequest,
  type LogResponse,
  LOGS_PROTO_PATH,
  loadLogService,
  PROTO_LOADER_OPTIONS,
} from './grpc.js';
export * from './names.js';
export { createLogRpcClient, type LogRpcClient, type LogRpcClientOptions } from './rpc-client.js';
export * from './schemas.js';
