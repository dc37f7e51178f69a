import { randomUUID } from 'node:crypto';
import {
  AMQP_REQUEST_ID_HEADER,
  ATTEMPTS_HEADER,
  attemptsOf,
  DEAD_REASON_HEADER,
  EVENT_NAMES,
  type EventTopology,
  type LogEvent,
  logEventSchema,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
  retryDelayMs,
  type SettleChannel,
} from '@suite/proto';
import { describeZodError, type Logger, runInRequestContext } from '@suite/toolbox';
import type { Message, Options } from 'amqplib';
import type { LoggerClient } from './clients/logger.js';
import { isPermanentFailure } from './failures.js';
import type { DeadLetterReason } from './metrics.js';

export type Outcome =
  | { kind: 'stored'; eventId: string }
  | { kind: 'retried'; eventId: string; attempt: number; delayMs: number }
  | { kind: 'dead'; reason: DeadLetterReason; detail: string }
  /** The message could not be settled (its channel went away); RabbitMQ will redeliver it. */
  | { kind: 'abandoned'; detail: string };

export interface MessageHandlerOptions {
  loggerClient: LoggerClient;
  logger: Logger;
  topology: EventTopology;
  retryBaseMs: number;
  retryMaxMs: number;
  /** The jitter's source; tests pass a fixed one. */
  random?: () => number;
}

const KNOWN_NAMES = new Set<string>(Object.values(EVENT_NAMES));

type Parsed = { ok: true; event: LogEvent } | { ok: false; reason: DeadLetterReason; detail: string };

function parseEvent(content: Buffer): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `malformed JSON: ${(err as Error).message}` };
  }
  const result = logEventSchema.safeParse(body);
  if (!result.success) {
    return { ok: false, reason: 'invalid', detail: `invalid event: ${describeZodError(result.error)}` };
  }
  return { ok: true, event: result.data };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Decides what happens to one delivery: store then ack; on a failure that may pass (the logger
 * unreachable, slow, refusing or overloaded), a delayed copy with one more attempt then ack, for as
 * long as it takes; when the body or the logger's verdict says it can never be stored, a copy in the
 * dead-letter queue then ack. The original is acked only after its successor is confirmed, so a
 * crash at any point leaves the event in RabbitMQ (at least once; the event id makes the logger's
 * write idempotent).
 */
export function createMessageHandler(options: MessageHandlerOptions) {
  const { loggerClient, logger, topology, retryBaseMs, retryMaxMs, random } = options;

  function copyProperties(
    message: Message,
    eventId: string,
    headers: Record<string, unknown>,
  ): Options.Publish {
    const { properties } = message;
    return {
      persistent: true,
      messageId: eventId,
      contentType: properties.contentType,
      contentEncoding: properties.contentEncoding,
      timestamp: properties.timestamp,
      type: properties.type,
      appId: properties.appId,
      correlationId: properties.correlationId,
      headers: { ...(properties.headers ?? {}), ...headers },
    };
  }

  async function moveTo(
    channel: SettleChannel,
    message: Message,
    queue: string,
    publishOptions: Options.Publish,
  ): Promise<string | undefined> {
    try {
      await channel.publish('', queue, message.content, publishOptions);
    } catch (err) {
      // Without a confirmed copy the original must stay: hand it back (if its channel still lives).
      try {
        channel.nack(message, true);
      } catch {
        // The channel is gone, and with it the delivery: RabbitMQ redelivers it.
      }
      return `could not publish to ${queue}: ${errorText(err)}`;
    }
    return acknowledge(channel, message);
  }

  function acknowledge(channel: SettleChannel, message: Message): string | undefined {
    try {
      channel.ack(message);
      return undefined;
    } catch (err) {
      return `could not ack: ${errorText(err)}`;
    }
  }

  async function deadLetter(
    channel: SettleChannel,
    message: Message,
    eventId: string,
    reason: DeadLetterReason,
    detail: string,
  ): Promise<Outcome> {
    const failure = await moveTo(
      channel,
      message,
      topology.deadQueue,
      copyProperties(message, eventId, {
        [DEAD_REASON_HEADER]: detail,
        [ORIGINAL_EXCHANGE_HEADER]: message.fields.exchange,
        [ORIGINAL_ROUTING_KEY_HEADER]: message.fields.routingKey,
      }),
    );
    if (failure) return { kind: 'abandoned', detail: failure };
    logger.warn({ eventId, reason, detail, queue: topology.deadQueue }, 'event dead-lettered');
    return { kind: 'dead', reason, detail };
  }

  return async function handle(message: Message, channel: SettleChannel): Promise<Outcome> {
    const eventId = message.properties.messageId ? String(message.properties.messageId) : randomUUID();
    const parsed = parseEvent(message.content);
    if (!parsed.ok) return deadLetter(channel, message, eventId, parsed.reason, parsed.detail);

    const { event } = parsed;
    const rawRequestId = message.properties.headers?.[AMQP_REQUEST_ID_HEADER];
    const requestId = typeof rawRequestId === 'string' && rawRequestId.length > 0 ? rawRequestId : undefined;
    logger.debug(
      { eventId, requestId, name: event.name, known: KNOWN_NAMES.has(event.name) },
      'event received',
    );

    try {
      const write = () => loggerClient.write(event, { eventId, requestId });
      // The request id on the spans of the write too (the batch's, the client's).
      await (requestId ? runInRequestContext({ requestId }, write) : write());
    } catch (err) {
      if (isPermanentFailure(err)) {
        return deadLetter(
          channel,
          message,
          eventId,
          'rejected',
          `logger rejected the event: ${errorText(err)}`,
        );
      }
      const attempt = attemptsOf(message.properties.headers) + 1;
      const delayMs = retryDelayMs(attempt, retryBaseMs, retryMaxMs, random);
      const failure = await moveTo(channel, message, topology.retryQueue, {
        ...copyProperties(message, eventId, { [ATTEMPTS_HEADER]: attempt }),
        expiration: String(delayMs),
      });
      if (failure) return { kind: 'abandoned', detail: failure };
      // One line at info per event; the repeats of a long outage only at debug.
      (attempt === 1 ? logger.info : logger.debug).call(
        logger,
        { eventId, attempt, delayMs, err: errorText(err) },
        'logger failed, event scheduled for retry',
      );
      return { kind: 'retried', eventId, attempt, delayMs };
    }

    const failure = acknowledge(channel, message);
    if (failure) return { kind: 'abandoned', detail: failure };
    return { kind: 'stored', eventId };
  };
}
