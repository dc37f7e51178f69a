export { retryDelayMs } from './backoff.js';
export {
  isPeerError,
  PEER_ERROR_KINDS,
  PeerError,
  type PeerErrorKind,
  type PeerErrorOptions,
} from './errors.js';
export {
  type DeliveryHandler,
  type EventConsumer,
  type EventConsumerOptions,
  type SettleChannel,
  startEventConsumer,
} from './events/consumer.js';
export {
  createEventPublisher,
  type EventPublisher,
  type EventPublisherOptions,
  type EventSeverity,
  type PublishOptions,
} from './events/publisher.js';
export * from './events/topology.js';
export {
  type LineBudget,
  type LineReader,
  type LineReaderOptions,
  lineBudget,
  lineWriter,
  readLines,
} from './framing.js';
export {
  createLogGrpcClient,
  type LogGrpcClient,
  type LogGrpcClientOptions,
  type LogMessage,
  type LogRequest,
  type LogResponse,
  type LogStreamEntry,
  type LogStreamResult,
  loadLogService,
} from './grpc.js';
export { createLogStreamClient, type LogStreamClientOptions } from './grpc-stream.js';
export type { ProtoLogger } from './logger.js';
export * from './names.js';
export * from './requests.js';
export {
  createLogRpcClient,
  type LogInfoCall,
  type LogInfoIds,
  type LogRpcClient,
  type LogRpcClientOptions,
} from './rpc-client.js';
export * from './schemas.js';
export { contextOf, currentTraceparent, spanContextOf, TRACEPARENT_FIELD } from './trace-context.js';
