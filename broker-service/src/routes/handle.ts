import {
  type AuthenticatedUser,
  isPeerError,
  type LogEntry,
  type LogGrpcClient,
  type LogRpcClient,
} from '@suite/proto';
import {
  AppError,
  httpErrorOf,
  isAppError,
  PEER_FAILURE_STATUS,
  readJsonObject,
  sendOk,
  unauthorized,
  withSpan,
} from '@suite/toolbox';
import type { IRouter, Response } from 'express';
import { type Credentials, type LogTransport, type MailMessage, parseAction } from '../actions.js';
import type { AuditTrail } from '../audit.js';
import type { AuthClient, AuthOutcome } from '../clients/auth.js';
import type { LoggerHttpClient } from '../clients/logger-http.js';
import type { MailClient } from '../clients/mail.js';
import type { EventPublisher } from '../events.js';
import type { MailLimit } from '../mail-limit.js';

export interface HandleDeps {
  auth: AuthClient;
  mail: MailClient;
  loggerHttp: LoggerHttpClient;
  loggerRpc: Pick<LogRpcClient, 'logInfo'>;
  loggerGrpc: Pick<LogGrpcClient, 'writeLog'>;
  events: EventPublisher;
  audit: Pick<AuditTrail, 'authentication'>;
  mailLimit: MailLimit;
}

/** `POST /handle`: one entry point, dispatched on `action` to the service that does the work. */
export function handleRoutes(router: IRouter, deps: HandleDeps): void {
  router.post('/handle', async (req, res) => {
    const action = parseAction(readJsonObject(req));
    const attributes =
      action.action === 'log'
        ? { 'broker.action': 'log', 'broker.via': action.via }
        : { 'broker.action': action.action };
    // The routing decision as a span: the calls to the chosen service hang under it.
    return withSpan(`route ${action.action}`, { attributes }, async () => {
      switch (action.action) {
        case 'auth':
          return authenticate(deps, action.auth, res);
        case 'log':
          return log(deps, action.log, action.via, res);
        case 'mail':
          return sendMail(deps, action.mail, res);
      }
    });
  });
}

async function authenticate(deps: HandleDeps, credentials: Credentials, res: Response): Promise<void> {
  const requestId: string = res.locals.requestId;
  const email = credentials.email;
  try {
    const user = userOrRefusal(await deps.auth.authenticate(credentials));
    deps.audit.authentication({ email, success: true, status: 202 }, requestId);
    sendOk(res, 'Authenticated!', user);
  } catch (err) {
    // Recorded as the caller is answered (through the app's HTTP table): status and public
    // message, never a peer's address.
    const answered = isPeerError(err) ? httpErrorOf(err, PEER_FAILURE_STATUS) : err;
    const status = isAppError(answered) ? answered.status : 500;
    const reason = isAppError(answered) ? answered.message : 'internal error';
    deps.audit.authentication({ email, success: false, status, reason }, requestId);
    throw err;
  }
}

/** The authentication-service's verdict as the broker's answer: the user, or its 401 or 429 passed on. */
function userOrRefusal(outcome: AuthOutcome): AuthenticatedUser {
  switch (outcome.kind) {
    case 'authenticated':
      return outcome.user;
    case 'invalid-credentials':
      throw unauthorized('invalid credentials');
    case 'throttled':
      // The caller is told when to come back, as the authentication-service said.
      throw new AppError(429, outcome.message, {
        headers: outcome.retryAfter ? { 'Retry-After': outcome.retryAfter } : {},
      });
  }
}

async function log(deps: HandleDeps, entry: LogEntry, via: LogTransport, res: Response): Promise<void> {
  const requestId: string = res.locals.requestId;
  let data: Record<string, string>;
  switch (via) {
    case 'rpc':
      data = { result: await deps.loggerRpc.logInfo(entry, { requestId }) };
      break;
    case 'grpc':
      data = { result: await deps.loggerGrpc.writeLog(entry, { requestId }) };
      break;
    case 'http':
      data = { result: await deps.loggerHttp.log(entry) };
      break;
    case 'rabbitmq':
      data = await deps.events.publish(entry, { requestId });
      break;
  }
  sendOk(res, `logged via ${via}`, data);
}

async function sendMail(deps: HandleDeps, mail: MailMessage, res: Response): Promise<void> {
  // The address the toolbox resolved (X-Forwarded-For only from a trusted proxy), never the header as sent.
  await deps.mailLimit.take(res.locals.clientAddress);
  await deps.mail.send(mail);
  sendOk(res, `Message sent to ${mail.to}`);
}
