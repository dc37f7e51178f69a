import {
  ATTEMPTS_HEADER,
  currentTraceparent,
  DEAD_REASON_HEADER,
  type EventTopology,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
  spanContextOf,
  TRACEPARENT_FIELD,
} from '@suite/proto';
import { SpanKind, startSpan, withActiveSpan } from '@suite/toolbox';
import amqp from 'amqplib';

/** Headers a dead letter gathered on its way; a replayed event starts afresh. */
const DEAD_LETTER_HEADERS = [
  ATTEMPTS_HEADER,
  DEAD_REASON_HEADER,
  ORIGINAL_EXCHANGE_HEADER,
  ORIGINAL_ROUTING_KEY_HEADER,
];

/**
 * Moves the messages waiting in `<queue>.dead` back onto `<queue>` for another try, each one
 * acknowledged only after RabbitMQ confirmed its copy (a crash leaves it in one of the two queues,
 * and the event id keeps a duplicate from being stored twice). Only the messages present at the
 * start are moved, so one that fails again cannot keep the command looping. Returns how many moved.
 */
export async function replayDeadLetters(options: { url: string; topology: EventTopology }): Promise<number> {
  const { url, topology } = options;
  const connection = await amqp.connect(url, {
    clientProperties: { connection_name: `listener-service replay-dead ${topology.queue}` },
  });
  try {
    const channel = await connection.createConfirmChannel();
    const { messageCount } = await channel.checkQueue(topology.deadQueue);
    let moved = 0;
    for (; moved < messageCount; moved++) {
      const message = await channel.get(topology.deadQueue, { noAck: false });
      if (!message) break;
      const headers = { ...(message.properties.headers ?? {}) };
      for (const name of DEAD_LETTER_HEADERS) delete headers[name];
      // A replay is a new trace, linked to the one the event was first sent in.
      const original = spanContextOf(headers[TRACEPARENT_FIELD]);
      const span = startSpan('replay dead letter', {
        root: true,
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.destination.name': topology.queue },
        links: original ? [{ context: original }] : [],
      });
      const traceparent = withActiveSpan(span, () => currentTraceparent());
      if (traceparent) {
        headers[TRACEPARENT_FIELD] = traceparent;
        delete headers.tracestate;
      }
      withActiveSpan(span, () =>
        channel.sendToQueue(topology.queue, message.content, {
          persistent: true,
          messageId: message.properties.messageId,
          contentType: message.properties.contentType,
          contentEncoding: message.properties.contentEncoding,
          timestamp: message.properties.timestamp,
          type: message.properties.type,
          appId: message.properties.appId,
          correlationId: message.properties.correlationId,
          headers,
        }),
      );
      span.end();
      await channel.waitForConfirms();
      channel.ack(message);
    }
    await channel.close();
    return moved;
  } finally {
    await connection.close();
  }
}
