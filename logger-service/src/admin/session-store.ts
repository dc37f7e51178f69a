import type { Collection, Db } from 'mongodb';
import type { AdminGrant } from '../clients/auth.js';
import { guardMongo } from '../store/mongo.js';

export const SESSIONS_COLLECTION = 'admin_sessions';

/** An admin session as the server keeps it; the browser holds only its signed id. */
export interface StoredSession {
  id: string;
  user: string;
  admin: boolean;
  csrf: string;
  flash?: string;
  createdAt: Date;
  seenAt: Date;
  /** When it ends unless used again: the earlier of the idle and the absolute limit. */
  expiresAt: Date;
  /** The account as it was at sign-in, which authentication-service confirms again from time to time. */
  grant?: AdminGrant;
  /** When authentication-service last confirmed the admin right (sign-in counts). */
  rightCheckedAt?: Date;
}

export interface SessionChanges {
  seenAt?: Date;
  expiresAt?: Date;
  flash?: string | null;
  rightCheckedAt?: Date;
}

export interface SessionStore {
  /** Creates the expiry index; safe to run on every start. */
  init(): Promise<void>;
  create(session: StoredSession): Promise<void>;
  get(id: string): Promise<StoredSession | null>;
  update(id: string, changes: SessionChanges): Promise<void>;
  delete(id: string): Promise<void>;
}

interface SessionDocument {
  _id: string;
  user: string;
  admin: boolean;
  csrf: string;
  flash?: string;
  created_at: Date;
  seen_at: Date;
  expires_at: Date;
  user_id?: number;
  right_version?: string;
  right_checked_at?: Date;
}

/**
 * Sessions in MongoDB, so they survive a restart and every replica sees the same ones. A TTL index
 * lets MongoDB drop expired sessions; the expiry is also checked on every read, since the TTL
 * monitor runs only once a minute.
 */
export function createMongoSessionStore(db: Db): SessionStore {
  const sessions: Collection<SessionDocument> = db.collection<SessionDocument>(SESSIONS_COLLECTION);
  return {
    init: () =>
      guardMongo('create the session index', async () => {
        await sessions.createIndex({ expires_at: 1 }, { name: 'expires_at_ttl', expireAfterSeconds: 0 });
      }),
    create: (session) =>
      guardMongo('store the session', async () => {
        const doc: SessionDocument = {
          _id: session.id,
          user: session.user,
          admin: session.admin,
          csrf: session.csrf,
          created_at: session.createdAt,
          seen_at: session.seenAt,
          expires_at: session.expiresAt,
        };
        if (session.grant) {
          doc.user_id = session.grant.userId;
          doc.right_version = session.grant.version;
        }
        if (session.rightCheckedAt) doc.right_checked_at = session.rightCheckedAt;
        await sessions.insertOne(doc);
      }),
    get: (id) =>
      guardMongo('read the session', async () => {
        const doc = await sessions.findOne({ _id: id });
        if (!doc) return null;
        const session: StoredSession = {
          id: doc._id,
          user: doc.user,
          admin: doc.admin,
          csrf: doc.csrf,
          createdAt: doc.created_at,
          seenAt: doc.seen_at,
          expiresAt: doc.expires_at,
        };
        if (doc.flash) session.flash = doc.flash;
        if (typeof doc.user_id === 'number' && doc.right_version) {
          session.grant = { userId: doc.user_id, version: doc.right_version };
        }
        if (doc.right_checked_at) session.rightCheckedAt = doc.right_checked_at;
        return session;
      }),
    update: (id, changes) =>
      guardMongo('update the session', async () => {
        const set: Partial<SessionDocument> = {};
        if (changes.seenAt) set.seen_at = changes.seenAt;
        if (changes.expiresAt) set.expires_at = changes.expiresAt;
        if (changes.rightCheckedAt) set.right_checked_at = changes.rightCheckedAt;
        if (typeof changes.flash === 'string') set.flash = changes.flash;
        const update = changes.flash === null ? { $set: set, $unset: { flash: '' as const } } : { $set: set };
        await sessions.updateOne({ _id: id }, update);
      }),
    delete: (id) =>
      guardMongo('end the session', async () => {
        await sessions.deleteOne({ _id: id });
      }),
  };
}
