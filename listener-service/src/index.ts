export { type AppDeps, createApp } from './app.js';
export { createLogStore, type LogStore, type LogStoreOptions } from './clients/log-store.js';
export { type Config, configSchema, readConfig } from './config.js';
export { type EventConsumer, type EventConsumerOptions, startEventConsumer } from './consumer/consumer.js';
export {
  createMessageHandler,
  type MessageHandler,
  type MessageHandlerOptions,
  type Outcome,
  type SettleChannel,
} from './consumer/handler.js';
export { type Listener, startListener } from './listener.js';
export { createListenerMetrics, type DeadLetterReason, type ListenerMetrics } from './metrics.js';
