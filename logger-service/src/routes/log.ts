import { logEntrySchema } from '@suite/proto';
import { currentRequestId, readJsonBody, sendOk } from '@suite/toolbox';
import type { IRouter } from 'express';
import type { LogStore } from '../store/logs.js';

/** `POST /log` as the original suite had it, and `/api/log` for callers behind a path-routing proxy. */
export function logRoutes(router: IRouter, store: LogStore): void {
  router.post(['/log', '/api/log'], async (req, res) => {
    const entry = readJsonBody(req, logEntrySchema);
    await store.insert(entry, { requestId: currentRequestId() });
    sendOk(res, 'logged');
  });
}
