import { isIPv4 } from 'node:net';
import os from 'node:os';
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

/** The ports of the root README's "Ports" table, used by `make run`. */
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
  traceOtlp: 4318,
  traceWeb: 16686,
} as const;
export type PortPlan = { -readonly [K in keyof typeof FIXED_PORTS]: number };

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `node --import` this before a service's script: the OpenTelemetry bootstrap (`@suite/toolbox/tracing`). */
export const TRACING_IMPORT = import.meta.resolve('@suite/toolbox/tracing');

export function serviceScript(name: ServiceName): string {
  return `${REPOSITORY_ROOT}${name}/dist/main.js`;
}

/**
 * The heap setting every service runs with, here and in the images (each Dockerfile's NODE_OPTIONS).
 * The old generation may take half the memory the process has: half its container's limit (Node
 * reads the cgroup), half the machine's where there is none (`make run`). Node's own default is also
 * half, but never under 256 MB, which in a 256 Mi container leaves nothing for the young generation,
 * code and buffers. V8 sizes the young generation by the heap limit too: 1 MB semi-spaces in such a
 * container (a scavenge every megabyte allocated), 64 MB on a large machine; a fixed size keeps
 * both cases at the one measured (see the README, "Memory").
 */
export const SERVICE_NODE_OPTIONS = '--max-old-space-size-percentage=50 --max-semi-space-size=16';

/** The memory limit the manifests give every service (Kubernetes `limits.memory: 256Mi`, Swarm `256M`). */
export const SERVICE_MEMORY_LIMIT_MB = 256;

/**
 * Flags that size a service's heap as Node sizes it inside a container limited to `limitMb`, on a
 * machine without that limit: the heap setting's share of the limit, restated as a share of this
 * machine's memory (Node takes fractions, and the later share wins). The bench and the tests that
 * hold a service to the manifests' limit add these after the heap setting.
 */
export function containerHeapOptions(
  limitMb = SERVICE_MEMORY_LIMIT_MB,
  machineBytes = memoryNodeSees(),
): string {
  const share = Number(/--max-old-space-size-percentage=([\d.]+)/.exec(SERVICE_NODE_OPTIONS)?.[1]);
  const percent = (share * limitMb * 1024 * 1024) / machineBytes;
  return `--max-old-space-size-percentage=${percent.toFixed(4)}`;
}

/** What Node sizes the heap by: the cgroup's limit when there is one below the machine's memory. */
export function memoryNodeSees(): number {
  const limit = process.constrainedMemory();
  return limit > 0 && limit < os.totalmem() ? limit : os.totalmem();
}

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
  /** REDIS_URL of the services that count limits (authentication-service, broker-service). */
  redisUrl: string;
  /** REDIS_KEY_PREFIX: a run's own in the tests; unset (the services' default) in make run. */
  redisKeyPrefix?: string;
  mailHost: string;
  mailPort: number;
  queueName: string;
  exchangeName: string;
}

/** Each service's environment, derived from one port plan so every peer address agrees. */
export function serviceEnv(name: ServiceName, w: Wiring): Record<string, string> {
  return {
    PORT: String(w.ports[HTTP_PORT[name]]),
    BIND_HOST: w.bindHost,
    OTEL_SERVICE_NAME: name,
    ...peerEnv(name, w),
  };
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
      return { DATABASE_URL: w.databaseUrl, SEED_PASSWORD: w.seedPassword, ...redisEnv(w) };
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
        ...redisEnv(w),
        // The page may be opened as localhost or 127.0.0.1; both are the same front-end.
        CORS_ORIGINS: `http://localhost:${ports.frontEnd},http://127.0.0.1:${ports.frontEnd}`,
      };
    case 'front-end':
      return { BROKER_URL: `http://localhost:${ports.broker}` };
  }
}

function redisEnv(w: Wiring): Record<string, string> {
  return { REDIS_URL: w.redisUrl, ...(w.redisKeyPrefix ? { REDIS_KEY_PREFIX: w.redisKeyPrefix } : {}) };
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
  // The broker is ready before its first RabbitMQ and Redis connections (no route needs them to
  // answer), but a suite that says "ready" should take a click on Test Broker or Test Mail at once.
  return {
    url: `${base}/health/dependencies`,
    isReady: async (response) => {
      const body = (await response.json()) as { data?: Record<string, string> };
      return body.data?.rabbitmq === 'ok' && body.data?.redis === 'ok';
    },
  };
}
