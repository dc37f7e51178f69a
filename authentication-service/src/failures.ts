import { type HttpStatusOfKind, OWN_STORE_FAILURE_STATUS } from '@suite/toolbox';

/**
 * The authentication-service's HTTP table. Its peers are its own stores, the user database and the
 * limit store (Redis): while one does not serve (unreachable, slow, refusing or out of resources)
 * the answer is a 503, so a caller can tell an outage from bad credentials (401) and retry. `invalid`
 * is never raised by a store (input is checked before any query) and keeps its meaning everywhere:
 * the caller's request.
 */
export const HTTP_STATUS: HttpStatusOfKind = OWN_STORE_FAILURE_STATUS;
