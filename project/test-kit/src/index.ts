export { CHROMIUM_PATH, launchChromium } from './browser.js';
export { type LogReader, openLogReader, type StoredLog } from './log-reader.js';
export { capturingLogger } from './logger.js';
export { uniqueName } from './names.js';
export { closedPort } from './ports.js';
export {
  closeConnectionsNamed,
  consumerPrefetches,
  queueCounts,
  RABBIT_URL,
  RabbitAdmin,
  startRabbitProxy,
  type TestTopology,
} from './rabbit.js';
export { type CollectedSpan, type SpanCollector, startSpanCollector } from './span-collector.js';
export { eventually, type WaitOptions, waitFor } from './wait.js';
export { WebClient } from './web-client.js';
