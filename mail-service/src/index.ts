export { type AppDeps, createApp } from './app.js';
export { createMailer, type Mailer, type OutgoingMail, type SmtpOptions } from './clients/smtp.js';
export { DEFAULT_TEMPLATES_DIR, loadTemplates, type RenderMail } from './render.js';
export { type Mailbox, parseMailbox, sendRequestSchema } from './validation.js';
