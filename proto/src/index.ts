export { splitHostPort } from './address.js';
export { isPeerError, PeerError, type PeerErrorKind } from './errors.js';
export { recycleConnectionOnChannelLoss } from './events/channel-recovery.js';
export { connectToRabbit, type RabbitConnection, type RabbitConnectionOptions } from './events/connection.js';
export {
  createEventEmitter,
  type EventEmitter,
  type EventEmitterOptions,
  type EventSeverity,
  type PublishOptions,
} from './events/emitter.js';
export * from './events/topology.js';
export { type LineReader, type LineReaderOptions, readLines } from './framing.js';
export {
  createLogGrpcClient,
  type LogGrpcClient,
  type LogGrpcClientOptions,
  type LogMessage,
  type LogRequest,
  type LogResponse,
  loadLogService,
} from './grpc.js';
export type { ProtoLogger } from './logger.js';
export * from './names.js';
export * from './requests.js';
export { createLogRpcClient, type LogRpcClient, type LogRpcClientOptions } from './rpc-client.js';
export * from './schemas.js';
