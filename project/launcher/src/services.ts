import { isIPv4 } from 'node:net';
import { fileURLToPath } from 'node:url';

export const SERVICE_NAMES = [
  'logger-service',
  'authentication-service',
  'mail-service',
  'listener-service',
  'broker-service',
  'front-end',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The ports of DESIGN.md, used by `make run`. */
export const FIXED_PORTS = {
  broker: 8080,
  frontEnd: 8081,
  logger: 8082,
  loggerRpc: 5001,
  loggerGrpc: 50001,
  auth: 8083,
  mail: 8084,
  listener: 8085,
  mongo: 27017,
  smtp: 1025,
  mailWeb: 8025,
} as const;
export type PortPlan = { -readonly [K in keyof typeof FIXED_PORTS]: number };

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function serviceScript(name: ServiceName): string {
  return `${REPOSITORY_ROOT}${name}/dist/main.js`;
}

/**
 * The heap setting every service runs with, here and in the images (each Dockerfile's NODE_OPTIONS).
 * V8 sizes its collections by the heap limit. At a large machine's default (a limit of several GB) a
 * busy service lets its young generation grow to 64 MB semi-spaces and its old generation to about
 * four times what is live before collecting, and passes 300 MB resident under load: more than the
 * 256 Mi the Kubernetes manifests allow. With 8 MB semi-spaces and a 128 MB old generation, V8 grows
 * the old generation by about 1.3× of what is live (20–40 MB) and a service stays near 140 MB, for
 * more CPU spent collecting (see the README, "Memory").
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=8 --max-old-space-size=128';

/** The suite's heap setting first, so whatever the caller's NODE_OPTIONS say wins. */
export function serviceNodeOptions(callerOptions: string | undefined): string {
  return callerOptions ? `${SERVICE_NODE_OPTIONS} ${callerOptions}` : SERVICE_NODE_OPTIONS;
}

export const SERVICE_COLOURS: Record<ServiceName, string> = {
  'logger-service': '\x1b[36m',
  'authentication-service': '\x1b[35m',
  'mail-service': '\x1b[33m',
  'listener-service': '\x1b[34m',
  'broker-service': '\x1b[32m',
  'front-end': '\x1b[92m',
};

/** The port each service's HTTP listener (and so its /readyz) takes from the plan. */
const HTTP_PORT: Record<ServiceName, keyof PortPlan> = {
  'logger-service': 'logger',
  'authentication-service': 'auth',
  'mail-service': 'mail',
  'listener-service': 'listener',
  'broker-service': 'broker',
  'front-end': 'frontEnd',
};

export interface Wiring {
  ports: PortPlan;
  /** Where peers call each other (a wildcard BIND_HOST is reached on the loopback address). */
  host: string;
  /** BIND_HOST of every service: 127.0.0.1 unless the shell says otherwise. */
  bindHost: string;
  /** SEED_PASSWORD of the authentication-service. */
  seedPassword: string;
  databaseUrl: string;
  mongoUrl: string;
  rabbitUrl: string;
  mailHost: string;
  mailPort: number;
  queueName: string;
  exchangeName: string;
}

/** Each service's environment, derived from one port plan so every peer address agrees. */
export function serviceEnv(name: ServiceName, w: Wiring): Record<string, string> {
  return { PORT: String(w.ports[HTTP_PORT[name]]), BIND_HOST: w.bindHost, ...peerEnv(name, w) };
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * The address services bind (BIND_HOST, default 127.0.0.1: nothing `make run` starts is reachable from
 * another machine unless asked) and the one their peers call. An IPv4 address, or a wildcard.
 */
export function bindAddresses(bindHost: string | undefined): { bindHost: string; peerHost: string } {
  const bind = bindHost?.trim() || '127.0.0.1';
  if (WILDCARDS.has(bind)) return { bindHost: bind, peerHost: '127.0.0.1' };
  if (!isIPv4(bind)) {
    throw new Error(
      `BIND_HOST must be an IPv4 address of this machine (127.0.0.1, the default), 0.0.0.0 or ::, not ${JSON.stringify(bind)}`,
    );
  }
  return { bindHost: bind, peerHost: bind };
}

function peerEnv(name: ServiceName, w: Wiring): Record<string, string> {
  const http = (port: number) => `http://${w.host}:${port}`;
  const { ports } = w;
  switch (name) {
    case 'logger-service':
      return {
        RPC_PORT: String(ports.loggerRpc),
        GRPC_PORT: String(ports.loggerGrpc),
        MONGO_URL: w.mongoUrl,
        AUTH_SERVICE_URL: http(ports.auth),
      };
    case 'authentication-service':
      return { DATABASE_URL: w.databaseUrl, SEED_PASSWORD: w.seedPassword };
    case 'mail-service':
      return {
        MAIL_HOST: w.mailHost,
        MAIL_PORT: String(w.mailPort),
        MAIL_ENCRYPTION: 'none',
      };
    case 'listener-service':
      return {
        RABBIT_URL: w.rabbitUrl,
        LOGGER_RPC_ADDR: `${w.host}:${ports.loggerRpc}`,
        LOGGER_GRPC_ADDR: `${w.host}:${ports.loggerGrpc}`,
        QUEUE_NAME: w.queueName,
        EXCHANGE_NAME: w.exchangeName,
      };
    case 'broker-service':
      return {
        AUTH_SERVICE_URL: http(ports.auth),
        MAIL_SERVICE_URL: http(ports.mail),
        LOGGER_SERVICE_URL: http(ports.logger),
        LOGGER_RPC_ADDR: `${w.host}:${ports.loggerRpc}`,
        LOGGER_GRPC_ADDR: `${w.host}:${ports.loggerGrpc}`,
        RABBIT_URL: w.rabbitUrl,
        QUEUE_NAME: w.queueName,
        EXCHANGE_NAME: w.exchangeName,
        // The page may be opened as localhost or 127.0.0.1; both are the same front-end.
        CORS_ORIGINS: `http://localhost:${ports.frontEnd},http://127.0.0.1:${ports.frontEnd}`,
      };
    case 'front-end':
      return { BROKER_URL: `http://localhost:${ports.broker}` };
  }
}

/** When a started service counts as ready for the suite: a URL, and what its answer must show. */
export interface Readiness {
  url: string;
  isReady(response: Response): Promise<boolean>;
}

const answers200 = async (response: Response) => response.status === 200;

export function readiness(name: ServiceName, w: Wiring): Readiness {
  const base = `http://${w.host}:${w.ports[HTTP_PORT[name]]}`;
  if (name !== 'broker-service') return { url: `${base}/readyz`, isReady: answers200 };
  // The broker is ready before its first RabbitMQ connection (no route needs it to answer), but a
  // suite that says "ready" should take a click on Test Broker at once.
  return {
    url: `${base}/health/dependencies`,
    isReady: async (response) => {
      const body = (await response.json()) as { data?: Record<string, string> };
      return body.data?.rabbitmq === 'ok';
    },
  };
}
