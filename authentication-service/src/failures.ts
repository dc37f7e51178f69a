import type { HttpStatusOfKind } from '@suite/toolbox';

/**
 * The authentication-service's HTTP table. Its one peer is its own user database: while that does
 * not serve (unreachable, slow, refusing or out of resources) the answer is a 503, so a caller can
 * tell an outage from bad credentials (401) and retry. `invalid` is never raised by the database
 * (input is checked before any query) and keeps its meaning everywhere: the caller's request.
 */
export const HTTP_STATUS: HttpStatusOfKind = {
  unreachable: 503,
  timeout: 503,
  refused: 503,
  overloaded: 503,
  invalid: 400,
};
