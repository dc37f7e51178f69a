import { calculateObjectSize, Long } from 'bson';
import type { Doc } from './documents.js';
import { CommandError, unauthorized } from './errors.js';

/** The first batch of find and aggregate when the client names no batchSize, as in MongoDB. */
const DEFAULT_FIRST_BATCH = 101;
/** Keeps every reply under the 16 MiB document limit even with large documents. */
const BATCH_BYTE_BUDGET = 15 * 1024 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  namespace: string;
  docs: Doc[];
  position: number;
  lastUsed: number;
}

export interface CursorReply {
  cursor: { firstBatch?: Doc[]; nextBatch?: Doc[]; id: Long; ns: string };
  ok: 1;
}

/**
 * Server-wide cursors: the driver may send getMore on any pooled connection, so they cannot belong to one socket.
 * Results are materialised at open; documents are replaced rather than mutated, so a cursor sees a stable snapshot.
 */
export class CursorRegistry {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = 1 + Math.floor(Math.random() * 1_000_000);
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.expireIdle(), 60_000);
    this.sweeper.unref();
  }

  open(namespace: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): CursorReply {
    const cursor: OpenCursor = { namespace, docs, position: 0, lastUsed: this.now() };
    const batch = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0;
    if (!singleBatch && cursor.position < docs.length) {
      id = this.nextId++;
      this.cursors.set(id, cursor);
    }
    return { cursor: { firstBatch: batch, id: Long.fromNumber(id), ns: namespace }, ok: 1 };
  }

  getMore(rawId: unknown, namespace: string, batchSize: number | undefined): CursorReply {
    const id = cursorIdNumber(rawId);
    const cursor = this.cursors.get(id);
    if (!cursor) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
    if (cursor.namespace !== namespace) {
      throw unauthorized(
        `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`,
      );
    }
    cursor.lastUsed = this.now();
    const batch = takeBatch(cursor, batchSize && batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY);
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.cursors.delete(id);
    return { cursor: { nextBatch: batch, id: Long.fromNumber(exhausted ? 0 : id), ns: namespace }, ok: 1 };
  }

  kill(rawIds: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const rawId of rawIds) {
      const id = cursorIdNumber(rawId);
      (this.cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { killed, notFound };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.cursors.clear();
  }

  private expireIdle(): void {
    const cutoff = this.now() - IDLE_TIMEOUT_MS;
    for (const [id, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(id);
  }
}

function takeBatch(cursor: OpenCursor, batchSize: number): Doc[] {
  const batch: Doc[] = [];
  let bytes = 0;
  while (batch.length < batchSize && cursor.position < cursor.docs.length) {
    const doc = cursor.docs[cursor.position]!;
    const size = calculateObjectSize(doc);
    // Always make progress, even with a single document near the limit.
    if (batch.length > 0 && bytes + size > BATCH_BYTE_BUDGET) break;
    batch.push(doc);
    bytes += size;
    cursor.position++;
  }
  return batch;
}

function cursorIdNumber(raw: unknown): number {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (raw instanceof Long) return raw.toNumber();
  if (typeof raw === 'bigint') return Number(raw);
  throw new CommandError(14, 'TypeMismatch', 'cursor id must be a 64-bit integer');
}
