import type { LogGrpcClient } from '@suite/proto';
import { readJsonBody, sendOk } from '@suite/toolbox';
import type { IRouter } from 'express';
import { logGrpcSchema } from '../actions.js';

/** `POST /log-grpc`: the original suite's dedicated gRPC route, kept for its clients. */
export function logGrpcRoutes(router: IRouter, grpc: Pick<LogGrpcClient, 'writeLog'>): void {
  router.post('/log-grpc', async (req, res) => {
    const { log } = readJsonBody(req, logGrpcSchema);
    const result = await grpc.writeLog(log, { requestId: res.locals.requestId });
    sendOk(res, 'logged via gRPC', { result });
  });
}
