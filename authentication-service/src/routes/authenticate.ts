import { readJsonBody, sendOk } from '@suite/toolbox';
import { Router } from 'express';
import type { Authenticate } from '../auth/authenticator.js';
import { credentialsSchema } from '../users/credentials.js';

export function authenticateRoutes(authenticate: Authenticate): Router {
  const router = Router();
  router.post('/authenticate', async (req, res) => {
    const credentials = readJsonBody(req, credentialsSchema);
    // Resolved by the toolbox from the peer and, only from a trusted proxy, X-Forwarded-For.
    const user = await authenticate(credentials, res.locals.clientAddress as string);
    sendOk(res, `Logged in user ${user.email}`, user);
  });
  return router;
}
