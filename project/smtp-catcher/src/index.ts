export { type SmtpCatcher, type SmtpCatcherOptions, startSmtpCatcher } from './catcher.js';
export type { CaughtMessage, MessagePredicate } from './store.js';
