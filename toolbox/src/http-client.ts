import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { badGateway, gatewayTimeout } from './errors.js';
import { currentForwardedFor, currentRequestId, REQUEST_ID_HEADER } from './request-context.js';

export interface HttpClientOptions {
  /** Named in errors, e.g. "authentication-service is unreachable". */
  service: string;
  baseURL: string;
  timeoutMs?: number;
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
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/**
 * A long-lived client for one peer: keep-alive sockets, a timeout on every call, the request id
 * passed on, and transport failures mapped to 502 (unreachable) or 504 (timeout). Any HTTP status
 * is returned as is, so callers map downstream answers honestly.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { service, baseURL, timeoutMs = 5000, maxSockets = 64 } = options;
  const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const instance: AxiosInstance = axios.create({
    baseURL,
    timeout: timeoutMs,
    httpAgent,
    httpsAgent,
    validateStatus: () => true,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
  });
  instance.interceptors.request.use((config) => {
    const requestId = currentRequestId();
    if (requestId) config.headers.set(REQUEST_ID_HEADER, requestId);
    const forwardedFor = currentForwardedFor();
    if (forwardedFor) config.headers.set('x-forwarded-for', forwardedFor);
    return config;
  });

  const send = async <T>(method: 'get' | 'post', path: string, body?: unknown): Promise<HttpResponse<T>> => {
    try {
      const response = await instance.request<T>({ method, url: path, data: body });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
      }
      return { status: response.status, data: response.data, headers };
    } catch (error) {
      if (isAxiosError(error) && error.code && TIMED_OUT.has(error.code)) {
        throw gatewayTimeout(service, timeoutMs, error);
      }
      if (isAxiosError(error) && error.code && UNREACHABLE.has(error.code)) {
        throw badGateway(service, 'is unreachable', error);
      }
      throw badGateway(
        service,
        `request failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  };

  return {
    post: (path, body) => send('post', path, body),
    get: (path) => send('get', path),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
