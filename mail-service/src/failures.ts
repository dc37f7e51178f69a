import type { HttpStatusOfKind } from '@suite/toolbox';

/**
 * The mail-service's HTTP table, for a mail that did not go out. The request passed this service's
 * own checks first (a 400 before any SMTP), so whatever the mail server made of it, unreachable,
 * slow, refusing now or rejecting for good, is the mail server's answer: a 502 whose message names
 * its verdict (`mail server rejected the message (SMTP 550)`), never a 4xx of ours.
 */
export const HTTP_STATUS: HttpStatusOfKind = {
  unreachable: 502,
  timeout: 502,
  refused: 502,
  invalid: 502,
  overloaded: 502,
};
