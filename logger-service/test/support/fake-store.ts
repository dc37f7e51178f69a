import { randomBytes } from 'node:crypto';
import { type LogEntry, RESERVED_LOG_NAMES } from '@suite/proto';
import type { SessionChanges, SessionStore, StoredSession } from '../../src/admin/session-store.js';
import type { ListQuery, LogIds, LogPage, LogStore, StoredLog } from '../../src/store/logs.js';
import { mongoFailure } from '../../src/store/mongo.js';

/**
 * An in-memory LogStore for unit tests; `down = true` makes every call fail like an unreachable
 * MongoDB, `failure` with any error the test chooses.
 */
export class FakeLogStore implements LogStore {
  entries: StoredLog[] = [];
  down = false;
  failure: unknown;

  private check() {
    if (this.failure) throw this.failure;
    if (this.down) throw mongoFailure('unreachable', 'store the log entry', new Error('connection refused'));
  }

  async init() {
    this.check();
  }

  async insert(entry: LogEntry, ids: LogIds = {}) {
    this.check();
    if (ids.eventId && this.entries.some((e) => e.event_id === ids.eventId))
      return { id: null, duplicate: true };
    const at = new Date();
    const stored: StoredLog = {
      id: randomBytes(12).toString('hex'),
      name: entry.name,
      data: entry.data,
      created_at: at,
      updated_at: at,
    };
    if (ids.eventId) stored.event_id = ids.eventId;
    if (ids.requestId) stored.request_id = ids.requestId;
    this.entries.push(stored);
    return { id: stored.id, duplicate: false };
  }

  async list(query: ListQuery): Promise<LogPage> {
    this.check();
    const matching = this.entries
      .filter(
        (e) =>
          (!query.name || e.name === query.name) &&
          (!query.requestId || e.request_id === query.requestId) &&
          (!query.kind || RESERVED_LOG_NAMES.includes(e.name) === (query.kind === 'audit')),
      )
      .reverse();
    const start = (query.page - 1) * query.perPage;
    return { entries: matching.slice(start, start + query.perPage), total: matching.length };
  }

  async get(id: string) {
    this.check();
    return this.entries.find((e) => e.id === id) ?? null;
  }

  async deleteAll() {
    this.check();
    const n = this.entries.length;
    this.entries = [];
    return n;
  }

  async touch(id: string) {
    this.check();
    const entry = this.entries.find((e) => e.id === id);
    if (entry) entry.updated_at = new Date();
    return Boolean(entry);
  }

  async ping() {
    this.check();
  }
}

/** Sessions in memory, for unit tests that run without MongoDB. */
export class FakeSessionStore implements SessionStore {
  readonly sessions = new Map<string, StoredSession>();

  async init() {}

  async create(session: StoredSession) {
    this.sessions.set(session.id, { ...session });
  }

  async get(id: string) {
    const session = this.sessions.get(id);
    return session ? { ...session } : null;
  }

  async update(id: string, changes: SessionChanges) {
    const session = this.sessions.get(id);
    if (!session) return;
    if (changes.seenAt) session.seenAt = changes.seenAt;
    if (changes.rightCheckedAt) session.rightCheckedAt = changes.rightCheckedAt;
    if (changes.expiresAt) session.expiresAt = changes.expiresAt;
    if (changes.flash === null) delete session.flash;
    else if (changes.flash !== undefined) session.flash = changes.flash;
  }

  async delete(id: string) {
    this.sessions.delete(id);
  }
}
