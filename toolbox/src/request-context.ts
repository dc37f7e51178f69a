import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestContext {
  requestId: string;
  /** The client's address as resolved from the peer and trusted proxies; passed on as X-Forwarded-For. */
  clientAddress?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` in a request's context, which every downstream client picks up without it being passed by hand. */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The resolved client address of the request being served, if any. */
export function currentClientAddress(): string | undefined {
  return storage.getStore()?.clientAddress;
}

const SAFE_ID = /^[\w.:-]{1,128}$/;

/** Accepts a caller's id only when it is harmless to echo into logs and headers. */
export function acceptOrCreateRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_ID.test(candidate) ? candidate : randomUUID();
}
