import { PeerError } from '@suite/proto/errors';
import { errors, Pool } from 'undici';
import { currentClientAddress, currentRequestId, REQUEST_ID_HEADER } from './request-context.js';

export interface HttpClientOptions {
  /** The peer named in errors, e.g. "authentication-service unreachable". */
  service: string;
  baseURL: string;
  /** One deadline per call, from the call to the last byte: waiting for a pooled connection included. */
  timeoutMs?: number;
  /** Most connections kept open to the peer at once. */
  maxSockets?: number;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  /** Lower-case names, e.g. `retry-after`. */
  headers: Record<string, string>;
}

export interface HttpClient {
  post<T = unknown>(path: string, body: unknown): Promise<HttpResponse<T>>;
  get<T = unknown>(path: string): Promise<HttpResponse<T>>;
  close(): void;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * A long-lived client for one peer: a pool of kept-alive connections (undici, Node's own HTTP
 * client), one deadline on every call, the request id and client address passed on, and transport
 * failures raised as PeerErrors (`timeout`, else `unreachable`). Any HTTP status is returned as is,
 * so callers map downstream answers honestly.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { service, timeoutMs = 5000, maxSockets = 64 } = options;
  const base = new URL(options.baseURL);
  const basePath = base.pathname.replace(/\/$/, '');
  // No per-phase timeouts: undici's start only once a connection is free, so a full pool queued
  // calls without bound. The abort signal below is the one deadline.
  const pool = new Pool(base.origin, { connections: maxSockets, keepAliveTimeout: 30_000 });

  const send = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResponse<T>> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const requestId = currentRequestId();
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    // The one address this service resolved, never the caller's chain: a peer that trusts us can
    // then believe it, and a client cannot smuggle addresses past us.
    const clientAddress = currentClientAddress();
    if (clientAddress) headers['x-forwarded-for'] = clientAddress;
    const deadline = new AbortController();
    const timer = setTimeout(abortOnTimeout, timeoutMs, deadline).unref();
    try {
      const response = await pool.request({
        method,
        path: `${basePath}${path}`,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // Aborts the call wherever it is: queued for a connection, connecting, awaiting or reading the answer.
        signal: deadline.signal,
      });
      const text = await response.body.text();
      const flat: Record<string, string> = {};
      for (const name in response.headers) {
        const value = response.headers[name];
        if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, data: parseBody(text, flat['content-type']) as T, headers: flat };
    } catch (error) {
      throw mapTransportError(error, service, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    post: (path, body) => send('POST', path, body),
    get: (path) => send('GET', path),
    close: () => {
      void pool.close();
    },
  };
}

/**
 * Aborts a call as `AbortSignal.timeout` would, with a TimeoutError. Its own timer, because that one
 * stays armed for the whole timeout after the call ended: thousands of them at a few thousand calls
 * per second.
 */
function abortOnTimeout(deadline: AbortController): void {
  deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

/** JSON when the peer says so and it parses; otherwise the text, so a proxy's HTML error page is still reported. */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '' || !contentType?.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The transport's own words (addresses, codes) stay in the detail and the cause, for the log. */
function mapTransportError(error: unknown, service: string, timeoutMs: number): PeerError {
  if ((error as Error)?.name === 'TimeoutError' || error instanceof errors.ConnectTimeoutError) {
    return new PeerError(service, 'timeout', `did not answer within ${timeoutMs} ms`, { cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if ((code && UNREACHABLE.has(code)) || error instanceof errors.SocketError) {
    return new PeerError(service, 'unreachable', text, { cause: error });
  }
  // An answer that breaks the protocol is no answer: as good as a connection that dropped before it.
  return new PeerError(service, 'unreachable', `request failed: ${text}`, { cause: error });
}
