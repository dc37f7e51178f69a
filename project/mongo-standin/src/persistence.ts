import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Double, EJSON, Int32, Long } from 'bson';
import { isPlainObject } from './documents.js';
import type { Logger } from './logger.js';
import type { Snapshot } from './store.js';

/** @returns undefined when the file does not exist yet (first start). */
export async function loadSnapshot(file: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return promoteNumbers(EJSON.parse(text, { relaxed: false })) as Snapshot;
  } catch (err) {
    throw new Error(`cannot parse ${file} as Extended JSON: ${(err as Error).message}`);
  }
}

/**
 * Canonical parsing keeps 64-bit integers exact but wraps every number; unwrap them the way the wire
 * deserializer does, so loaded documents look exactly like freshly inserted ones.
 */
function promoteNumbers(value: unknown): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) {
    const number = value.toNumber();
    return Number.isSafeInteger(number) ? number : value;
  }
  if (Array.isArray(value)) return value.map(promoteNumbers);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, promoteNumbers(item)]));
  }
  return value;
}

/**
 * Writes the whole store as canonical Extended JSON (keeps ObjectId, Date, Long, ...) at most once per delay,
 * through a temporary file and a rename so a crash never leaves a half-written file behind.
 */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly takeSnapshot: () => Snapshot,
    private readonly logger: Logger,
    private readonly delayMs = 200,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startDrain();
    }, this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.writing) await this.writing;
    if (this.dirty) {
      this.startDrain();
      await this.writing;
    }
  }

  private startDrain(): void {
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.write(EJSON.stringify(this.takeSnapshot(), { relaxed: false }));
      } catch (err) {
        // Keep serving; the next change retries the write.
        this.logger.warn({ file: this.file, err: (err as Error).message }, 'could not write the data file');
        return;
      }
    }
  }

  private async write(text: string): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
  }
}
