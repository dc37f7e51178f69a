import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { AuthenticatedUser, LogEntry } from '@suite/proto';
import { closeHttpServer, type HttpClient, type HttpResponse, listen } from '@suite/toolbox';
import { createMemoryLimitStore } from '@suite/toolbox/limits';
import { createAuthClient } from '../../src/clients/auth.js';
import { createLoggerHttpClient } from '../../src/clients/logger-http.js';
import { createMailClient } from '../../src/clients/mail.js';
import { readConfig } from '../../src/config.js';
import type { EventPublisher } from '../../src/events.js';
import { type BrokerOverrides, buildBroker } from '../../src/service.js';

/**
 * The user the faked authentication-service answers with. Typed by proto's contract, so a change to
 * the `/authenticate` answer is a type error here until the broker's tests follow it.
 */
export const ADMIN_USER: AuthenticatedUser = {
  id: 1,
  email: 'admin@example.com',
  first_name: 'Admin',
  last_name: 'User',
  active: true,
  admin: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

export interface Call {
  path: string;
  body: unknown;
}

type ScriptedAnswer = Omit<HttpResponse<unknown>, 'headers'> & { headers?: Record<string, string> };

/** An HttpClient whose answers a test scripts; records what it was asked. */
export function scriptedHttp(answer: (path: string, body: unknown) => Promise<ScriptedAnswer>) {
  const calls: Call[] = [];
  const respond = async <T>(path: string, body: unknown) =>
    ({ headers: {}, ...(await answer(path, body)) }) as HttpResponse<T>;
  const client: HttpClient = {
    async post<T>(path: string, body: unknown) {
      calls.push({ path, body });
      return respond<T>(path, body);
    },
    async get<T>(path: string) {
      calls.push({ path, body: undefined });
      return respond<T>(path, undefined);
    },
    close() {},
  };
  return { client, calls };
}

export interface PublishedEvent {
  event: { name: string; data: string };
  options: { severity?: string; eventId?: string; requestId?: string } | undefined;
}

export function fakeEvents() {
  const published: PublishedEvent[] = [];
  const state = { connected: true, failure: undefined as Error | undefined };
  const events: EventPublisher = {
    async publish(event, options) {
      if (state.failure) throw state.failure;
      published.push({ event, options });
      return { eventId: options?.eventId ?? `event-${published.length}` };
    },
    isConnected: () => state.connected,
  };
  return { events, published, state };
}

export interface RpcCall {
  entry: LogEntry;
  ids: { requestId?: string; eventId?: string } | undefined;
}

/**
 * The broker as `buildBroker` wires it, on an ephemeral port, with every peer and the limit store faked
 * unless the test overrides it; `env` is read as the broker's environment would be.
 */
export async function startBroker(overrides: BrokerOverrides = {}, env: Record<string, string> = {}) {
  const auth = scriptedHttp(async (path) =>
    path === '/ping'
      ? { status: 200, data: { error: false, message: 'pong' } }
      : {
          status: 202,
          data: {
            error: false,
            message: 'Logged in',
            data: ADMIN_USER,
          },
        },
  );
  const mail = scriptedHttp(async (path, body) =>
    path === '/ping'
      ? { status: 200, data: { error: false, message: 'pong' } }
      : { status: 202, data: { error: false, message: `sent to ${(body as { to: string }).to}` } },
  );
  const loggerHttp = scriptedHttp(async (path) =>
    path === '/ping'
      ? { status: 200, data: { error: false, message: 'pong' } }
      : { status: 202, data: { error: false, message: 'logged' } },
  );
  const rpcCalls: RpcCall[] = [];
  const grpcCalls: RpcCall[] = [];
  const bus = fakeEvents();
  const config = readConfig({ LOG_LEVEL: 'silent', CORS_ORIGINS: 'http://front.example', ...env });
  const broker = buildBroker(config, {
    auth: createAuthClient(auth.client),
    mail: createMailClient(mail.client),
    loggerHttp: createLoggerHttpClient(loggerHttp.client),
    loggerRpc: {
      async logInfo(entry, ids) {
        rpcCalls.push({ entry, ids });
        return `Processed payload via RPC: ${entry.name}`;
      },
    },
    loggerGrpc: {
      async writeLog(entry, ids) {
        grpcCalls.push({ entry, ids });
        return 'logged!';
      },
    },
    events: bus.events,
    // The mail limit in this process's memory; test/integration/limits.test.ts counts in the real Redis.
    limits: createMemoryLimitStore(),
    ...overrides,
  });
  const server = http.createServer(broker.app);
  const port = await listen(server, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    calls: {
      auth: auth.calls,
      mail: mail.calls,
      loggerHttp: loggerHttp.calls,
      rpc: rpcCalls,
      grpc: grpcCalls,
    },
    published: bus.published,
    bus: bus.state,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    /** Stops taking requests, then closes the broker as shutdown does (the audit queue drained). */
    close: async () => {
      await closeHttpServer(server, 100);
      await broker.close();
    },
  };
}
export type TestBroker = Awaited<ReturnType<typeof startBroker>>;

/** A peer that accepts connections and never answers, to provoke timeouts. */
export async function silentPeer() {
  const server = http.createServer(() => {});
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return closeHttpServer(server, 10);
    },
  };
}

/** A TCP peer that accepts connections and never says a word: a hung JSON-RPC or gRPC server. */
export async function silentTcpPeer() {
  const held = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `tasks` with at most `limit` in flight. */
export async function runBounded<T>(
  count: number,
  limit: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** A metric sample's value from the Prometheus text, e.g. `sample(text, 'x_total', 'reason="overflow"')`. */
export function sample(metrics: string, name: string, labels = ''): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([^{\s]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').includes(labels)) return Number(match[3]);
  }
  return undefined;
}
