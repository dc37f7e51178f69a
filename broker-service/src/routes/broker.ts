import { EVENT_NAMES } from '@suite/proto';
import { sendOk } from '@suite/toolbox';
import type { IRouter } from 'express';
import type { EventPublisher } from '../events.js';

const HIT = 'Hit the broker';

/**
 * `GET /` answers without a side effect, so a link or an `<img>` on any page cannot write to the log
 * store. `POST /` answers only after RabbitMQ confirmed the `broker_hit` event, so a 202 means the hit
 * is on record; with RabbitMQ down the publish failure is the answer.
 */
export function brokerRoutes(router: IRouter, events: EventPublisher): void {
  router.get('/', (_req, res) => sendOk(res, HIT));
  router.post('/', async (req, res) => {
    const data = JSON.stringify({ method: req.method, path: req.originalUrl });
    await events.publish({ name: EVENT_NAMES.brokerHit, data }, { requestId: res.locals.requestId });
    sendOk(res, HIT);
  });
}
