/**
 * The ports and peer addresses the root README documents ("Ports" and "Environment variables"),
 * which every deployment file must agree with. Keep this table in step with the README.
 */
export interface ServicePorts {
  /** The HTTP port: PORT, /ping and /readyz. */
  http: number;
  /** Further ports by name (the name is also the Kubernetes port name). */
  extra: Record<string, number>;
}

export const services: Record<string, ServicePorts> = {
  'broker-service': { http: 8080, extra: {} },
  'front-end': { http: 8081, extra: {} },
  'logger-service': { http: 8082, extra: { rpc: 5001, grpc: 50001 } },
  'authentication-service': { http: 8083, extra: {} },
  'mail-service': { http: 8084, extra: {} },
  'listener-service': { http: 8085, extra: {} },
};

export const serviceNames = Object.keys(services);

export const allPorts = (name: string): number[] => {
  const entry = services[name]!;
  return [entry.http, ...Object.values(entry.extra)];
};

export const infrastructure: Record<string, number[]> = {
  postgres: [5432],
  mongo: [27017],
  rabbitmq: [5672, 15672],
  mailhog: [1025, 8025],
  redis: [6379],
  jaeger: [4318, 16686],
};

/** Where a peer-address variable must point, in every deployment (host = service name inside the stack). */
export const peerAddresses: Record<string, { host: string; port: number; scheme?: string }> = {
  AUTH_SERVICE_URL: { host: 'authentication-service', port: 8083, scheme: 'http:' },
  MAIL_SERVICE_URL: { host: 'mail-service', port: 8084, scheme: 'http:' },
  LOGGER_SERVICE_URL: { host: 'logger-service', port: 8082, scheme: 'http:' },
  LOGGER_RPC_ADDR: { host: 'logger-service', port: 5001 },
  LOGGER_GRPC_ADDR: { host: 'logger-service', port: 50001 },
  RABBIT_URL: { host: 'rabbitmq', port: 5672, scheme: 'amqp:' },
  DATABASE_URL: { host: 'postgres', port: 5432, scheme: 'postgres:' },
  MONGO_URL: { host: 'mongo', port: 27017, scheme: 'mongodb:' },
  MAIL_HOST: { host: 'mailhog', port: 1025 },
  REDIS_URL: { host: 'redis', port: 6379, scheme: 'redis:' },
};

/** A caller outside the namespace: the cluster's Ingress controller. */
export const INGRESS_CONTROLLER = 'ingress controller';

/**
 * The README's "who calls whom" as network edges (caller, callee, ports), the only traffic the
 * Kubernetes NetworkPolicies may allow besides DNS. Keep it in step with the README's diagram.
 */
export const callGraph: { from: string; to: string; ports: number[] }[] = [
  { from: INGRESS_CONTROLLER, to: 'front-end', ports: [8081] },
  { from: INGRESS_CONTROLLER, to: 'broker-service', ports: [8080] },
  { from: INGRESS_CONTROLLER, to: 'logger-service', ports: [8082] },
  { from: 'broker-service', to: 'authentication-service', ports: [8083] },
  { from: 'broker-service', to: 'mail-service', ports: [8084] },
  { from: 'broker-service', to: 'logger-service', ports: [8082, 5001, 50001] },
  { from: 'broker-service', to: 'rabbitmq', ports: [5672] },
  { from: 'broker-service', to: 'redis', ports: [6379] },
  { from: 'listener-service', to: 'rabbitmq', ports: [5672] },
  { from: 'listener-service', to: 'logger-service', ports: [5001, 50001] },
  { from: 'logger-service', to: 'mongo', ports: [27017] },
  { from: 'logger-service', to: 'authentication-service', ports: [8083] },
  { from: 'authentication-service', to: 'postgres', ports: [5432] },
  { from: 'authentication-service', to: 'redis', ports: [6379] },
  { from: 'mail-service', to: 'mailhog', ports: [1025] },
  // Spans, to Jaeger's OTLP/HTTP port (the README's "Tracing").
  ...[
    'broker-service',
    'front-end',
    'logger-service',
    'authentication-service',
    'mail-service',
    'listener-service',
  ].map((from) => ({ from, to: 'jaeger', ports: [4318] })),
];
