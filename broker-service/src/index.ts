export { ACTIONS, type Action, actionSchema, LOG_TRANSPORTS, parseAction } from './actions.js';
export { type BrokerDeps, createApp, SERVICE } from './app.js';
export { type AuthClient, createAuthClient, type User } from './clients/auth.js';
export { createLoggerHttpClient, type LoggerHttpClient } from './clients/logger-http.js';
export { createMailClient, type MailClient } from './clients/mail.js';
export type { EventPublisher } from './events.js';
