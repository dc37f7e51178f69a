import { publicLogEntrySchema } from '@suite/proto';
import { currentRequestId, readJsonBody, sendOk } from '@suite/toolbox';
import type { IRouter } from 'express';
import type { LogStore } from '../store/logs.js';

/**
 * `POST /log` as the original suite had it, and `/api/log` for callers behind a path-routing proxy.
 * It shares its port with the published admin UI, so it takes public writes: the suite's own record
 * names are refused (the services write those over JSON-RPC and gRPC, which are not published).
 */
export function logRoutes(router: IRouter, store: LogStore): void {
  router.post(['/log', '/api/log'], async (req, res) => {
    const entry = readJsonBody(req, publicLogEntrySchema);
    await store.insert(entry, { requestId: currentRequestId() });
    sendOk(res, 'logged');
  });
}
