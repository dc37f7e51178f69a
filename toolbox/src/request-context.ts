import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestContext {
  requestId: string;
  /** The caller's address chain, passed on as X-Forwarded-For so peers see the real client. */
  forwardedFor?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a request id that every downstream client picks up without it being passed by hand. */
export function runWithRequestId<T>(requestId: string, fn: () => T, forwardedFor?: string): T {
  return storage.run({ requestId, forwardedFor }, fn);
}

export function currentForwardedFor(): string | undefined {
  return storage.getStore()?.forwardedFor;
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const SAFE_ID = /^[\w.:-]{1,128}$/;

/** Accepts a caller's id only when it is harmless to echo into logs and headers. */
export function acceptOrCreateRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_ID.test(candidate) ? candidate : randomUUID();
}
