/**
 * How a measured figure is judged: the targets of the performance issue, as shares of ceilings measured
 * in the same run (every log path and POST /log-grpc ≥ 60% of Express, mail ≥ 25%, auth near bcrypt alone).
 */
export type Target =
  | { kind: 'ratio'; ofExpress: number }
  | { kind: 'bcrypt'; fraction: number }
  /** This path's rate against another row's in the same run (the same path on a different store). */
  | { kind: 'vsRow'; row: string; atLeast: number };

export interface BrokerPath {
  id: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  target: Target;
  /** Log entries the dev store holds when the path starts (filled or emptied first); as left when unset. */
  storeHolds?: number;
  /**
   * Measured without autocannon's warm-up. The warm-up is a load of its own whose connections close
   * when it ends: requests that take seconds are then abandoned in flight, yet still served, and a
   * bcrypt-bound path spent the first second and a half of its measured window on them.
   */
  skipWarmup?: boolean;
}

const logEntry = (via: string) => ({ name: 'bench', data: `benchmark entry via ${via}` });

/** The store size at which the dev store must still be as fast as empty. */
const FULL_STORE_ENTRIES = 200_000;

/** The seed user of authentication-service; the right password, so the failure throttle never counts. */
export const SEED_USER = { email: 'admin@example.com', password: 'verysecret' };
export const BCRYPT_COST = 10;

export const BROKER_PATHS: readonly BrokerPath[] = [
  {
    id: 'hit',
    label: 'POST / (broker_hit, confirmed)',
    method: 'POST',
    path: '/',
    target: { kind: 'ratio', ofExpress: 0.25 },
  },
  {
    id: 'auth',
    label: 'auth',
    method: 'POST',
    path: '/handle',
    body: { action: 'auth', auth: SEED_USER },
    target: { kind: 'bcrypt', fraction: 0.9 },
    // bcrypt is native code: there is nothing for a warm-up to warm.
    skipWarmup: true,
  },
  ...(
    [
      ['rpc', 0.6],
      ['grpc', 0.4],
      ['http', 0.4],
    ] as const
  ).map(
    ([via, ofExpress]): BrokerPath => ({
      id: `log-${via}`,
      label: `log via ${via}`,
      method: 'POST',
      path: '/handle',
      body: { action: 'log', via, log: logEntry(via) },
      target: { kind: 'ratio', ofExpress },
    }),
  ),
  {
    id: 'log-rabbitmq',
    label: 'log via rabbitmq',
    method: 'POST',
    path: '/handle',
    body: { action: 'log', via: 'rabbitmq', log: logEntry('rabbitmq') },
    target: { kind: 'ratio', ofExpress: 0.35 },
  },
  {
    id: 'log-grpc-route',
    label: 'POST /log-grpc',
    method: 'POST',
    path: '/log-grpc',
    body: { log: logEntry('the gRPC route') },
    target: { kind: 'ratio', ofExpress: 0.4 },
  },
  {
    id: 'mail',
    label: 'mail',
    method: 'POST',
    path: '/handle',
    body: {
      action: 'mail',
      mail: {
        from: 'bench@example.com',
        to: 'inbox@example.com',
        subject: 'Benchmark',
        message: 'Hello from the benchmark',
      },
    },
    target: { kind: 'ratio', ofExpress: 0.25 },
  },
  {
    id: 'log-store-empty',
    label: 'log via rpc, dev store emptied',
    method: 'POST',
    path: '/handle',
    body: { action: 'log', via: 'rpc', log: logEntry('rpc') },
    target: { kind: 'ratio', ofExpress: 0.6 },
    storeHolds: 0,
  },
  {
    id: 'log-store-full',
    label: `log via rpc, dev store holding ${FULL_STORE_ENTRIES.toLocaleString('en-US')}`,
    method: 'POST',
    path: '/handle',
    body: { action: 'log', via: 'rpc', log: logEntry('rpc') },
    target: { kind: 'vsRow', row: 'log-store-empty', atLeast: 0.9 },
    storeHolds: FULL_STORE_ENTRIES,
  },
];

/** The ceilings get a body of the same shape and size as the log paths. */
export const CEILING_BODY = { action: 'log', via: 'rpc', log: logEntry('rpc') };

/** The id `--only` takes for the RabbitMQ ceiling and the event path. */
export const EVENTS_ID = 'events';

export function selectPaths(only: readonly string[]): BrokerPath[] {
  if (only.length === 0) return [...BROKER_PATHS];
  const unknown = only.filter((id) => !BROKER_PATHS.some((p) => p.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown path id(s) ${unknown.join(', ')}; known: ${BROKER_PATHS.map((p) => p.id).join(', ')}`,
    );
  }
  return BROKER_PATHS.filter((p) => only.includes(p.id));
}
