export { startTraceCatcher, type TraceCatcher, type TraceCatcherOptions } from './catcher.js';
export { parseExport, type TraceSpan } from './otlp.js';
export { type Trace, TraceStore } from './store.js';
