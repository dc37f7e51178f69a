/** Names (and the one batch limit) shared by producers and consumers; a typo here would silently split the system in two. */
export const LOGS_EXCHANGE = 'logs_topic';
export const LOG_ROUTING_KEYS = ['log.INFO', 'log.WARNING', 'log.ERROR'] as const;
export type LogRoutingKey = (typeof LOG_ROUTING_KEYS)[number];

export const EVENT_NAMES = {
  brokerHit: 'broker_hit',
  authentication: 'authentication',
  log: 'log',
} as const;

/**
 * The names of the records the suite writes itself (the login audit, the broker's hits). Only the
 * services write them, over the logger's internal transports; a public write with one is refused,
 * so a stored record with such a name is the suite's own. Compared without regard to case or the
 * surrounding blanks, so `Authentication ` cannot pass for one either.
 */
export const RESERVED_LOG_NAMES: readonly string[] = [EVENT_NAMES.authentication, EVENT_NAMES.brokerHit];

export const isReservedLogName = (name: string): boolean =>
  RESERVED_LOG_NAMES.includes(name.trim().toLowerCase());

export const RPC_METHOD_LOG_INFO = 'LogInfo';
/**
 * Calls one JSON-RPC batch may hold: the logger's default limit (`RPC_MAX_BATCH`), past which it
 * refuses the whole batch, and so the most a client puts in one.
 */
export const RPC_MAX_BATCH = 100;
export const rpcLogInfoResult = (name: string) => `Processed payload via RPC: ${name}`;

export const GRPC_LOG_RESULT = 'logged!';
export const GRPC_REQUEST_ID_METADATA = 'x-request-id';
export const GRPC_EVENT_ID_METADATA = 'x-event-id';

/** AMQP header carrying the request id of the HTTP call that caused an event. */
export const AMQP_REQUEST_ID_HEADER = 'x-request-id';
