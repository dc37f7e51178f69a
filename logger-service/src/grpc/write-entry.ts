import * as grpc from '@grpc/grpc-js';
import { GRPC_LOG_RESULT, type LogMessage, logInfoParamsSchema } from '@suite/proto';
import { acceptOrCreateRequestId, describeZodError, type Logger } from '@suite/toolbox';
import type { ServingStatus } from 'grpc-health-check';
import { GRPC_STATUS, writeFailure } from '../failures.js';
import type { LogStore } from '../store/logs.js';
import { isStorageDown } from '../store/mongo.js';

/** How one entry ended, as the status a unary call ends with: OK and a result, or a code and details. */
export type EntryOutcome = { code: grpc.status.OK; result: string } | { code: grpc.status; details: string };

export type WriteEntry = (
  entry: LogMessage | null | undefined,
  ids: { eventId?: string; requestId?: string },
) => Promise<EntryOutcome>;

/**
 * Checks and stores one entry, the same for a unary `WriteLog` call and for each entry on
 * `WriteLogStream`: a bad entry is `INVALID_ARGUMENT`, a failed write the status of its kind
 * (`GRPC_STATUS`; MongoDB out of reach also turns the health status). Never rejects.
 */
export function createEntryWriter(
  store: LogStore,
  log: Logger,
  setServing: (status: ServingStatus) => void,
): WriteEntry {
  return async (entry, ids) => {
    if (!entry) return { code: grpc.status.INVALID_ARGUMENT, details: 'logEntry is required' };
    const parsed = logInfoParamsSchema.safeParse({
      name: entry.name,
      data: entry.data,
      event_id: ids.eventId,
      request_id: acceptOrCreateRequestId(ids.requestId),
    });
    if (!parsed.success) {
      return { code: grpc.status.INVALID_ARGUMENT, details: describeZodError(parsed.error) };
    }
    const { name, data, event_id: eventId, request_id: requestId } = parsed.data;
    try {
      await store.insert({ name, data }, { eventId, requestId });
      return { code: grpc.status.OK, result: GRPC_LOG_RESULT };
    } catch (err) {
      if (isStorageDown(err)) setServing('NOT_SERVING');
      log.error({ err, requestId }, 'WriteLog could not store the entry');
      const { kind, reason } = writeFailure(err);
      return { code: GRPC_STATUS[kind], details: `could not store the log entry: ${reason}` };
    }
  };
}
