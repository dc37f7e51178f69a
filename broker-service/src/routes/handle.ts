import type { LogEntry, LogGrpcClient, LogRpcClient } from '@suite/proto';
import { isAppError, readJsonBody, sendOk } from '@suite/toolbox';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { type Credentials, type LogTransport, type MailMessage, parseAction } from '../actions.js';
import type { AuditTrail } from '../audit.js';
import type { AuthClient } from '../clients/auth.js';
import type { LoggerHttpClient } from '../clients/logger-http.js';
import type { MailClient } from '../clients/mail.js';
import type { EventPublisher } from '../events.js';

export interface HandleDeps {
  auth: AuthClient;
  mail: MailClient;
  loggerHttp: LoggerHttpClient;
  loggerRpc: Pick<LogRpcClient, 'logInfo'>;
  loggerGrpc: Pick<LogGrpcClient, 'writeLog'>;
  events: EventPublisher;
  audit: Pick<AuditTrail, 'authentication'>;
}

const anyObject = z.object({}).passthrough();

/** `POST /handle`: one entry point, dispatched on `action` to the service that does the work. */
export function handleRoutes(deps: HandleDeps): Router {
  const router = Router();
  router.post('/handle', async (req, res) => {
    const action = parseAction(readJsonBody(req, anyObject));
    switch (action.action) {
      case 'auth':
        return authenticate(deps, action.auth, res);
      case 'log':
        return log(deps, action.log, action.via, res);
      case 'mail':
        return sendMail(deps, action.mail, res);
    }
  });
  return router;
}

async function authenticate(deps: HandleDeps, credentials: Credentials, res: Response): Promise<void> {
  const requestId: string = res.locals.requestId;
  const email = credentials.email;
  try {
    const user = await deps.auth.authenticate(credentials);
    deps.audit.authentication({ email, success: true, status: 202 }, requestId);
    sendOk(res, 'Authenticated!', user);
  } catch (err) {
    const status = isAppError(err) ? err.status : 500;
    const reason = err instanceof Error ? err.message : String(err);
    deps.audit.authentication({ email, success: false, status, reason }, requestId);
    throw err;
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
  await deps.mail.send(mail);
  sendOk(res, `Message sent to ${mail.to}`);
}
