import {
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'bson';
import type { Logger } from './logger.js';
import type { Change, Store } from './store.js';

/**
 * The data directory: `snapshot.bson` (the whole store at some sequence number) and `journal.<n>.bson`
 * segments (every change since, in order). Both are plain runs of BSON documents, one record each:
 * the snapshot starts with a header `{format, version, seq}` followed by the changes that rebuild the
 * store from empty; a journal record is `{s: seq, ...change}`.
 *
 * A write appends its records to the open segment before the stand-in answers, so its cost depends on
 * what it changed, never on how much the store holds. Compaction (a new snapshot from the old one and
 * the closed segments) runs in a worker thread, and the records it folded in are skipped at load by
 * their sequence numbers, so a crash at any step of it loses nothing and applies nothing twice.
 */

const SNAPSHOT_FILE = 'snapshot.bson';
const SNAPSHOT_FORMAT = 'mongo-standin';
const SNAPSHOT_VERSION = 2;
const SEGMENT = /^journal\.(\d+)\.bson$/;
const TEMPORARY = /\.tmp$/;

const segmentFile = (n: number) => `journal.${String(n).padStart(8, '0')}.bson`;

export type JournalRecord = Change & { s: number };

interface SnapshotHeader {
  format: string;
  version: number;
  seq: number;
}

const encodeRecord = (record: object): Buffer => {
  const bytes = serialize(record);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/**
 * The complete BSON documents at the start of `buffer`; `end` is where the last one ends. A tail that
 * is not a whole, well-formed document (a write cut short by a crash) ends the run there.
 */
function decodeRecords(buffer: Buffer): { records: object[]; end: number } {
  const records: object[] = [];
  let offset = 0;
  while (buffer.length - offset >= 5) {
    const size = buffer.readInt32LE(offset);
    if (size < 5 || offset + size > buffer.length || buffer[offset + size - 1] !== 0) break;
    try {
      records.push(deserialize(buffer.subarray(offset, offset + size)));
    } catch {
      break;
    }
    offset += size;
  }
  return { records, end: offset };
}

export interface DirectoryState {
  /** Highest sequence number applied. */
  seq: number;
  /** Segment numbers present, ascending. */
  segments: number[];
  snapshotBytes: number;
  journalBytes: number;
}

function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Rebuilds `store` from the directory: the snapshot, then every journal record newer than it, from
 * the segments numbered up to `upTo` (all by default). Synchronous: it runs before the stand-in
 * listens, and inside the compaction worker.
 */
export function loadDirectory(dir: string, store: Store, logger?: Logger, upTo = Infinity): DirectoryState {
  let seq = 0;
  let snapshotBytes = 0;
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const snapshot = readIfExists(snapshotPath);
  if (snapshot) {
    snapshotBytes = snapshot.length;
    const { records, end } = decodeRecords(snapshot);
    const header = records[0] as SnapshotHeader | undefined;
    if (header?.format !== SNAPSHOT_FORMAT || header.version !== SNAPSHOT_VERSION) {
      throw new Error(`${snapshotPath} is not a mongo-standin snapshot (version ${SNAPSHOT_VERSION})`);
    }
    // A snapshot is renamed into place only once complete: a short one is damage, not a crash.
    if (end !== snapshot.length) throw new Error(`${snapshotPath} is damaged at byte ${end}`);
    seq = header.seq;
    for (const change of records.slice(1)) applyOrExplain(store, change as Change, snapshotPath);
  }
  const segments = listSegments(dir).filter((n) => n <= upTo);
  let journalBytes = 0;
  for (const n of segments) {
    const file = join(dir, segmentFile(n));
    const buffer = readFileSync(file);
    journalBytes += buffer.length;
    const { records, end } = decodeRecords(buffer);
    if (end !== buffer.length) {
      // A crash in the middle of an append: that write was never acknowledged.
      logger?.warn(
        { file, bytes: buffer.length - end },
        'ignoring an incomplete record at the end of a journal',
      );
    }
    for (const record of records as JournalRecord[]) {
      if (record.s <= seq) continue; // already in the snapshot
      const { s, ...change } = record;
      applyOrExplain(store, change as Change, file);
      seq = s;
    }
  }
  return { seq, segments, snapshotBytes, journalBytes };
}

function applyOrExplain(store: Store, change: Change, file: string): void {
  try {
    store.apply(change);
  } catch (err) {
    throw new Error(`cannot replay ${file}: ${(err as Error).message}`);
  }
}

/**
 * Writes the store as a snapshot at `seq` through a temporary file, fsync and rename, then deletes the
 * segments it covers. Synchronous: it runs in the compaction worker.
 * @returns the snapshot's size in bytes.
 */
export function writeSnapshot(dir: string, store: Store, seq: number, covered: readonly number[]): number {
  const temporary = join(dir, `${SNAPSHOT_FILE}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w');
  let bytes = 0;
  try {
    const chunk: Buffer[] = [];
    let chunkBytes = 0;
    const put = (record: object) => {
      const buffer = encodeRecord(record);
      chunk.push(buffer);
      chunkBytes += buffer.length;
      if (chunkBytes >= 1 << 20) drain();
    };
    const drain = () => {
      bytes += writeSync(fd, Buffer.concat(chunk, chunkBytes));
      chunk.length = 0;
      chunkBytes = 0;
    };
    put({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, seq } satisfies SnapshotHeader);
    for (const change of store.contents()) put(change);
    drain();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(dir, SNAPSHOT_FILE));
  syncDirectory(dir);
  for (const n of covered) rmSync(join(dir, segmentFile(n)), { force: true });
  return bytes;
}

/** Makes a rename durable (the directory entry), where the platform allows opening a directory. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported here (e.g. Windows); the rename itself is still atomic.
  }
}

export interface JournalOptions {
  /** Compact once the journal holds this many bytes and at least as many as the snapshot. */
  compactAfterBytes: number;
  /** How often written records are fsynced; a process crash loses nothing, a machine crash at most this. */
  fsyncIntervalMs: number;
  /** Runs a compaction of the segments up to `upTo` off the main thread. */
  compact: (upTo: number) => Promise<{ snapshotBytes: number }>;
  logger: Logger;
}

/**
 * The open end of the data directory: records collected while commands run, appended in one write
 * when the server is about to answer them (`commit`).
 */
export class Journal {
  private fd: number;
  private seq: number;
  private segment: number;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private journalBytes: number;
  private snapshotBytes: number;
  private compactAt: number;
  private compaction: Promise<void> | undefined;
  private unsynced = false;
  private readonly syncTimer: NodeJS.Timeout;
  private syncing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly dir: string,
    state: DirectoryState,
    private readonly options: JournalOptions,
  ) {
    this.seq = state.seq;
    // Always a fresh segment: whatever a crash left at the end of the last one stays behind it, unread.
    this.segment = (state.segments.at(-1) ?? 0) + 1;
    this.fd = openSync(join(dir, segmentFile(this.segment)), 'a');
    this.journalBytes = state.journalBytes;
    this.snapshotBytes = state.snapshotBytes;
    this.compactAt = this.threshold();
    this.syncTimer = setInterval(() => this.syncInBackground(), options.fsyncIntervalMs);
    this.syncTimer.unref();
  }

  record(change: Change): void {
    const buffer = encodeRecord({ s: ++this.seq, ...change });
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
  }

  /** Appends what was recorded since the last commit; called before the replies that report it go out. */
  commit(): void {
    if (this.pendingBytes === 0 || this.closed) return;
    const data =
      this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    try {
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written);
    } catch (err) {
      // Keep serving from memory and try again with the next commit: a dev store outlives a full disk.
      this.options.logger.warn(
        { dir: this.dir, err: (err as Error).message },
        'could not append to the journal',
      );
      return;
    }
    this.pending.length = 0;
    this.journalBytes += data.length;
    this.pendingBytes = 0;
    this.unsynced = true;
    if (this.journalBytes >= this.compactAt && !this.compaction) this.startCompaction();
  }

  /** Resolves when no compaction is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.compaction) await this.compaction;
  }

  async close(): Promise<void> {
    this.commit();
    this.closed = true;
    clearInterval(this.syncTimer);
    await this.syncing;
    fsyncSync(this.fd);
    closeSync(this.fd);
    await this.idle();
  }

  private threshold(): number {
    return Math.max(this.options.compactAfterBytes, this.snapshotBytes);
  }

  private startCompaction(): void {
    const upTo = this.segment;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.segment += 1;
    this.fd = openSync(join(this.dir, segmentFile(this.segment)), 'a');
    const before = this.journalBytes;
    this.compaction = this.options
      .compact(upTo)
      .then(({ snapshotBytes }) => {
        this.snapshotBytes = snapshotBytes;
        this.journalBytes -= before;
        this.compactAt = this.threshold();
      })
      .catch((err: unknown) => {
        // The segments stay; the next attempt folds them in once the journal has doubled.
        this.compactAt = this.journalBytes * 2;
        this.options.logger.warn({ dir: this.dir, err: (err as Error).message }, 'compaction failed');
      })
      .finally(() => {
        this.compaction = undefined;
      });
  }

  private syncInBackground(): void {
    if (!this.unsynced || this.syncing || this.closed) return;
    this.unsynced = false;
    const fd = this.fd;
    this.syncing = new Promise<void>((resolve) => fsync(fd, () => resolve())).finally(() => {
      this.syncing = undefined;
    });
  }
}

/** Prepares the directory: creates it and clears temporary files a crash left behind. */
export function prepareDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (TEMPORARY.test(name)) rmSync(join(dir, name), { force: true });
  }
}
