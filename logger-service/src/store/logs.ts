import type { LogEntry } from '@suite/proto';
import {
  type AnyBulkWriteOperation,
  type BulkWriteResult,
  type Collection,
  type Db,
  type Filter,
  MongoBulkWriteError,
  MongoError,
  ObjectId,
} from 'mongodb';
import { guardMongo as guard } from './mongo.js';

export const LOGS_COLLECTION = 'logs';
const READINESS_COLLECTION = 'readiness';
export const RETENTION_INDEX = 'created_at_ttl';
const DUPLICATE_KEY = 11000;
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The fields of an entry; `event_id` and `request_id` are absent (not null) when unknown, so the sparse index skips them. */
interface LogFields {
  name: string;
  data: string;
  created_at: Date;
  updated_at: Date;
  event_id?: string;
  request_id?: string;
}

/** The document as stored. */
interface LogDocument extends LogFields {
  _id?: ObjectId;
}

/** An entry as the store hands it out, with its id as a hex string. */
export interface StoredLog extends LogFields {
  id: string;
}

export interface LogIds {
  eventId?: string;
  requestId?: string;
}

export interface InsertOutcome {
  /** The new entry's id; null when the event id was already stored. */
  id: string | null;
  duplicate: boolean;
}

/** One event for `insertEvents`: the event id is required, it is what makes the write idempotent. */
export interface EventWrite {
  entry: LogEntry;
  ids: { eventId: string; requestId?: string };
}

export interface ListQuery {
  page: number;
  perPage: number;
  name?: string;
  requestId?: string;
}

export interface LogPage {
  entries: StoredLog[];
  total: number;
}

export interface LogStore {
  /** Creates the indexes; safe to run on every start. */
  init(): Promise<void>;
  insert(entry: LogEntry, ids?: LogIds): Promise<InsertOutcome>;
  /**
   * Many events in one unordered bulk write of upserts keyed on the event id, each with its own
   * outcome: one that fails does not fail the others. Rejects whole only when MongoDB is unreachable.
   */
  insertEvents(writes: readonly EventWrite[]): Promise<PromiseSettledResult<InsertOutcome>[]>;
  /** Newest first. */
  list(query: ListQuery): Promise<LogPage>;
  /** Null when the id is not a 24-hex ObjectId or no entry has it. */
  get(id: string): Promise<StoredLog | null>;
  deleteAll(): Promise<number>;
  /** Sets `updated_at` to now; false when the id is malformed or no entry has it. */
  touch(id: string): Promise<boolean>;
  /** A small write: resolves when MongoDB takes writes now. */
  ping(): Promise<void>;
}

export interface LogStoreOptions {
  now?: () => Date;
  /** Days an entry is kept (a TTL index on created_at); 0 or absent keeps entries for ever. */
  retentionDays?: number;
}

/**
 * Log entries in one collection. Driver failures leave as AppErrors: an unreachable server is a 503
 * ("MongoDB is unreachable"), anything else a 500 naming the operation.
 */
export function createLogStore(db: Db, options: LogStoreOptions = {}): LogStore {
  const now = options.now ?? (() => new Date());
  const logs: Collection<LogDocument> = db.collection<LogDocument>(LOGS_COLLECTION);

  return {
    init: () =>
      guard('create indexes', async () => {
        await logs.createIndexes([
          { key: { created_at: -1 }, name: 'created_at_-1' },
          { key: { event_id: 1 }, name: 'event_id_1', unique: true, sparse: true },
        ]);
        await applyRetention(logs, options.retentionDays ?? 0);
      }),

    insert: (entry, ids = {}) =>
      guard('store the log entry', async () => {
        const at = now();
        const doc: LogDocument = { name: entry.name, data: entry.data, created_at: at, updated_at: at };
        if (ids.requestId) doc.request_id = ids.requestId;
        if (!ids.eventId) {
          const result = await logs.insertOne(doc);
          return { id: result.insertedId.toHexString(), duplicate: false };
        }
        try {
          // An upsert keyed on the event id: a redelivered event matches the stored one and is not inserted again.
          const result = await logs.updateOne(
            { event_id: ids.eventId },
            { $setOnInsert: doc },
            { upsert: true },
          );
          return result.upsertedId
            ? { id: result.upsertedId.toHexString(), duplicate: false }
            : { id: null, duplicate: true };
        } catch (err) {
          // Two deliveries of one event raced and the unique index refused the second: stored once, success.
          if (isDuplicateKey(err)) return { id: null, duplicate: true };
          throw err;
        }
      }),

    insertEvents: (writes) =>
      guard('store the log entries', async () => {
        if (writes.length === 0) return [];
        const at = now();
        const operations: AnyBulkWriteOperation<LogDocument>[] = writes.map(({ entry, ids }) => {
          const doc: LogDocument = { name: entry.name, data: entry.data, created_at: at, updated_at: at };
          if (ids.requestId) doc.request_id = ids.requestId;
          return {
            updateOne: { filter: { event_id: ids.eventId }, update: { $setOnInsert: doc }, upsert: true },
          };
        });
        let result: BulkWriteResult;
        const failures = new Map<number, unknown>();
        try {
          result = await logs.bulkWrite(operations, { ordered: false });
        } catch (err) {
          if (!(err instanceof MongoBulkWriteError)) throw err;
          // The driver wraps its own failures (network, timeout) in this error too, with no write errors:
          // then nothing is known to be stored, and the original error says why (unreachable, timed out).
          if (!hasWriteErrors(err)) throw err.errorResponse instanceof Error ? err.errorResponse : err;
          result = err.result;
          const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
          for (const writeError of writeErrors) failures.set(writeError.index, writeError);
        }
        return writes.map((_, index): PromiseSettledResult<InsertOutcome> => {
          if (failures.has(index)) {
            const failure = failures.get(index) as { code?: number; errmsg?: string };
            // Two deliveries of one event raced and the unique index refused the second: stored once.
            if (failure.code === DUPLICATE_KEY)
              return { status: 'fulfilled', value: { id: null, duplicate: true } };
            return { status: 'rejected', reason: new Error(failure.errmsg ?? 'write failed') };
          }
          const upserted = result.upsertedIds[index] as ObjectId | undefined;
          return {
            status: 'fulfilled',
            value: upserted
              ? { id: upserted.toHexString(), duplicate: false }
              : { id: null, duplicate: true },
          };
        });
      }),

    list: (query) =>
      guard('list log entries', async () => {
        const filter: Filter<LogDocument> = {};
        if (query.name) filter.name = query.name;
        if (query.requestId) filter.request_id = query.requestId;
        const [docs, total] = await Promise.all([
          logs
            .find(filter)
            .sort({ created_at: -1, _id: -1 })
            .skip((query.page - 1) * query.perPage)
            .limit(query.perPage)
            .toArray(),
          logs.countDocuments(filter),
        ]);
        return { entries: docs.map(toStoredLog), total };
      }),

    get: async (id) => {
      if (!OBJECT_ID.test(id)) return null;
      return guard('read the log entry', async () => {
        const doc = await logs.findOne({ _id: new ObjectId(id) });
        return doc ? toStoredLog(doc) : null;
      });
    },

    deleteAll: () =>
      guard('delete log entries', async () => {
        const result = await logs.deleteMany({});
        return result.deletedCount;
      }),

    touch: async (id) => {
      if (!OBJECT_ID.test(id)) return false;
      return guard('update the log entry', async () => {
        const result = await logs.updateOne({ _id: new ObjectId(id) }, { $set: { updated_at: now() } });
        return result.matchedCount > 0;
      });
    },

    ping: () =>
      guard('write', async () => {
        // A write, not a ping: readiness must fail while writes time out, even if reads still answer.
        await db
          .collection<{ _id: string; at: Date }>(READINESS_COLLECTION)
          .updateOne({ _id: 'logger-service' }, { $set: { at: now() } }, { upsert: true });
      }),
  };
}

function toStoredLog(doc: LogDocument): StoredLog {
  const entry: StoredLog = {
    id: doc._id ? doc._id.toHexString() : '',
    name: doc.name,
    data: doc.data,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
  if (doc.event_id) entry.event_id = doc.event_id;
  if (doc.request_id) entry.request_id = doc.request_id;
  return entry;
}

function hasWriteErrors(err: MongoBulkWriteError): boolean {
  return Array.isArray(err.writeErrors) ? err.writeErrors.length > 0 : Boolean(err.writeErrors);
}

function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoError && err.code === DUPLICATE_KEY;
}

/** Creates, changes or drops the TTL index so it matches the retention setting. */
async function applyRetention(logs: Collection<LogDocument>, days: number): Promise<void> {
  const seconds = days * 86_400;
  const existing = (await logs.indexes()).find((index) => index.name === RETENTION_INDEX);
  if (existing && existing.expireAfterSeconds === seconds) return;
  if (existing) await logs.dropIndex(RETENTION_INDEX);
  if (seconds > 0) {
    await logs.createIndex({ created_at: 1 }, { name: RETENTION_INDEX, expireAfterSeconds: seconds });
  }
}
