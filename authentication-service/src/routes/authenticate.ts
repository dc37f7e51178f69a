import { AUTHENTICATE_PATH } from '@suite/proto/requests';
import { readJsonBody, sendOk } from '@suite/toolbox';
import type { IRouter } from 'express';
import type { Authenticate } from '../auth/authenticator.js';
import { credentialsSchema } from '../users/credentials.js';

/** `POST /authenticate`: the user (proto's `AuthenticatedUser`) for the right credentials. */
export function authenticateRoutes(router: IRouter, authenticate: Authenticate): void {
  router.post(AUTHENTICATE_PATH, async (req, res) => {
    const credentials = readJsonBody(req, credentialsSchema);
    // Resolved by the toolbox from the peer and, only from a trusted proxy, X-Forwarded-For.
    const user = await authenticate(credentials, res.locals.clientAddress as string);
    sendOk(res, `Logged in user ${user.email}`, user);
  });
}
