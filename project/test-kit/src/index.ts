export { capturingLogger } from './logger.js';
export { uniqueName } from './names.js';
export { closedPort } from './ports.js';
export { eventually, type WaitOptions, waitFor } from './wait.js';
