import { type LogEntry, RESERVED_LOG_NAMES } from '@suite/proto';
import {
  activeSpan,
  contextWithSpan,
  currentTraceId,
  failSpan,
  runInRequestContext,
  type Span,
  startSpan,
  withActiveSpan,
} from '@suite/toolbox';
import {
  type AnyBulkWriteOperation,
  type BulkWriteResult,
  type Collection,
  type Db,
  type Filter,
  MongoBulkWriteError,
  ObjectId,
} from 'mongodb';
import { groupCommit } from './group-commit.js';
import { guardMongo as guard, isStorageDown, mongoFailure } from './mongo.js';

export const LOGS_COLLECTION = 'logs';
const READINESS_COLLECTION = 'readiness';
export const RETENTION_INDEX = 'created_at_ttl';
const DUPLICATE_KEY = 11000;
const OBJECT_ID = /^[0-9a-f]{24}$/i;
const DEFAULT_MAX_GROUP = 500;
const STORE_ENTRY = 'store the log entry';

/** The fields of an entry; `event_id` and `request_id` are absent (not null) when unknown, so the sparse index skips them. */
interface LogFields {
  name: string;
  data: string;
  created_at: Date;
  updated_at: Date;
  event_id?: string;
  request_id?: string;
  /** The trace of the request that wrote it (when traced), for the admin UI's link to it. */
  trace_id?: string;
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

interface EntryWrite {
  entry: LogEntry;
  ids: LogIds;
  traceId?: string;
  /** The caller's span, linked to the group's shared write. */
  span: Span | undefined;
}

/** `audit`: the records the suite writes itself (reserved names); `public`: every other entry. */
export type LogKind = 'audit' | 'public';

export interface ListQuery {
  page: number;
  perPage: number;
  name?: string;
  requestId?: string;
  /** Both kinds when absent. */
  kind?: LogKind;
}

export interface LogPage {
  entries: StoredLog[];
  total: number;
}

export interface LogStore {
  /** Creates the indexes; safe to run on every start. */
  init(): Promise<void>;
  /**
   * The one write of the logger, for single entries and events from every transport: entries are
   * written in groups (see createLogStore), each caller gets its own outcome. An entry with an event
   * id is stored once however often it comes. Rejects with a PeerError (see `guardMongo`).
   */
  insert(entry: LogEntry, ids?: LogIds): Promise<InsertOutcome>;
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
  /** Most single entries written together in one bulk write. */
  maxGroup?: number;
}

/**
 * Log entries in one collection. Driver failures leave as PeerErrors (`guardMongo`): `unreachable`
 * or `timeout` when the server is away, `refused` naming the operation otherwise; what they mean to a
 * caller is each transport's table (`src/failures.ts`).
 */
export function createLogStore(db: Db, options: LogStoreOptions = {}): LogStore {
  const now = options.now ?? (() => new Date());
  const logs: Collection<LogDocument> = db.collection<LogDocument>(LOGS_COLLECTION);
  // Entries and events from every transport share bulk writes: one MongoDB round trip per group, not
  // per entry (a JSON-RPC batch from the listener arrives in one turn, so it is one group).
  const insertGrouped = groupCommit<EntryWrite, InsertOutcome>(
    (writes) =>
      sharedWrite(writes, () =>
        guard(STORE_ENTRY, async () => {
          const results = await writeBulk(logs, writes, now());
          return results.map(
            (result): PromiseSettledResult<InsertOutcome> =>
              result.status === 'fulfilled'
                ? result
                : { status: 'rejected', reason: mongoFailure('refused', STORE_ENTRY, result.reason) },
          );
        }),
      ),
    { maxBatch: options.maxGroup ?? DEFAULT_MAX_GROUP, sharesFailure: isStorageDown },
  );

  return {
    init: () =>
      guard('create indexes', async () => {
        await logs.createIndexes([
          { key: { created_at: -1 }, name: 'created_at_-1' },
          { key: { event_id: 1 }, name: 'event_id_1', unique: true, sparse: true },
        ]);
        await applyRetention(logs, options.retentionDays ?? 0);
      }),

    insert: (entry, ids = {}) => {
      // The caller's span (the JSON-RPC call, stream entry or HTTP request) is linked to the group's write.
      const write = () => insertGrouped({ entry, ids, traceId: currentTraceId(), span: activeSpan() });
      // The request id goes with the write, so the spans of the group's write carry it too.
      return ids.requestId ? runInRequestContext({ requestId: ids.requestId }, write) : write();
    },

    list: (query) =>
      guard('list log entries', async () => {
        const conditions: Filter<LogDocument>[] = [];
        if (query.name) conditions.push({ name: query.name });
        if (query.kind === 'audit') conditions.push({ name: { $in: [...RESERVED_LOG_NAMES] } });
        if (query.kind === 'public') conditions.push({ name: { $nin: [...RESERVED_LOG_NAMES] } });
        if (query.requestId) conditions.push({ request_id: query.requestId });
        const filter: Filter<LogDocument> = conditions.length > 0 ? { $and: conditions } : {};
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

/**
 * The group commit's one write as a span: under the first caller's span (so a lone write sits in its
 * request's trace), linked from every caller's span and linking to each, with the driver's spans
 * beneath it. The callers' own spans are their transport's (no extra span per entry).
 */
function sharedWrite<T>(writes: readonly EntryWrite[], run: () => Promise<T>): Promise<T> {
  const first = writes[0]?.span;
  if (!first?.isRecording()) return run();
  const span = startSpan('logs group write', {
    parent: contextWithSpan(first),
    attributes: { 'db.system': 'mongodb', 'logs.group_size': writes.length },
    links: writes.slice(1).flatMap((w) => (w.span ? [{ context: w.span.spanContext() }] : [])),
  });
  const shared = { context: span.spanContext() };
  for (const write of writes) write.span?.addLink(shared);
  const done = withActiveSpan(span, run);
  done.then(
    () => span.end(),
    (err: unknown) => {
      failSpan(span, err);
      span.end();
    },
  );
  return done;
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
  if (doc.trace_id) entry.trace_id = doc.trace_id;
  return entry;
}

/** A write refused for one document; the others of its bulk write went on. */
interface WriteFailure {
  code?: number;
  errmsg?: string;
}

function hasWriteErrors(err: MongoBulkWriteError): boolean {
  return Array.isArray(err.writeErrors) ? err.writeErrors.length > 0 : Boolean(err.writeErrors);
}

type EntryResult =
  | { status: 'fulfilled'; value: InsertOutcome }
  | { status: 'rejected'; reason: WriteFailure };

/**
 * Entries in one unordered bulk write, each with its own outcome: an entry without an event id is
 * inserted; one with an event id is an upsert keyed on it, so a redelivered event (even a second
 * copy in the same bulk write) matches the stored one and is not inserted again. Rejects only when
 * the bulk write failed as a whole.
 */
async function writeBulk(
  logs: Collection<LogDocument>,
  writes: readonly EntryWrite[],
  at: Date,
): Promise<EntryResult[]> {
  if (writes.length === 0) return [];
  const insertedIds: (ObjectId | undefined)[] = [];
  const operations = writes.map(({ entry, ids, traceId }, index): AnyBulkWriteOperation<LogDocument> => {
    const doc: LogDocument = { name: entry.name, data: entry.data, created_at: at, updated_at: at };
    if (ids.requestId) doc.request_id = ids.requestId;
    if (traceId) doc.trace_id = traceId;
    if (ids.eventId) {
      return {
        updateOne: { filter: { event_id: ids.eventId }, update: { $setOnInsert: doc }, upsert: true },
      };
    }
    // The id is chosen here so the outcome does not depend on how the driver reports inserted ids.
    doc._id = new ObjectId();
    insertedIds[index] = doc._id;
    return { insertOne: { document: doc } };
  });
  let result: BulkWriteResult;
  const failures = new Map<number, WriteFailure>();
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
  return writes.map((_, index): EntryResult => {
    const failure = failures.get(index);
    if (failure) {
      // Two deliveries of one event raced and the unique index refused the second: stored once, success.
      if (failure.code === DUPLICATE_KEY && insertedIds[index] === undefined)
        return { status: 'fulfilled', value: { id: null, duplicate: true } };
      return { status: 'rejected', reason: failure };
    }
    const id = insertedIds[index] ?? (result.upsertedIds[index] as ObjectId | undefined);
    return {
      status: 'fulfilled',
      value: id ? { id: id.toHexString(), duplicate: false } : { id: null, duplicate: true },
    };
  });
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
