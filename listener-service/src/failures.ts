import { isPeerError } from '@suite/proto';

/**
 * The one place where the listener decides what a failed store means. Only a logger that says the
 * entry itself is unacceptable (`invalid`) makes a failure permanent; an unreachable, slow, refusing
 * or overloaded logger may recover, and so may anything unforeseen, so those are retried.
 */
export function isPermanentFailure(err: unknown): boolean {
  return isPeerError(err) && err.kind === 'invalid';
}
