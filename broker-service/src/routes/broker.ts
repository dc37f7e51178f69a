import { EVENT_NAMES } from '@suite/proto';
import { sendOk } from '@suite/toolbox';
import type { RequestHandler } from 'express';
import type { EventPublisher } from '../events.js';

/**
 * `GET|POST /`: answers only after RabbitMQ confirmed the `broker_hit` event, so a 202 means the
 * hit is on record; with RabbitMQ down the emitter's 503 is the answer.
 */
export function brokerHitHandler(events: EventPublisher): RequestHandler {
  return async (req, res) => {
    const data = JSON.stringify({ method: req.method, path: req.originalUrl });
    await events.publish({ name: EVENT_NAMES.brokerHit, data }, { requestId: res.locals.requestId });
    sendOk(res, 'Hit the broker');
  };
}
