import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from '@suite/toolbox';
import { MongoClient } from 'mongodb';
import { firstLine, spawnTracked, stopChild } from './processes.js';

/** The logger's collection (logger-service's LOGS_COLLECTION). */
const LOGS = 'logs';
const FILL_BATCH = 5_000;

export interface DevStore {
  /** MONGO_URL for the suite; the launcher picks a throw-away database on it. */
  url: string;
  /** The store's process, whose CPU the bench's `store` column counts. */
  pid: number;
  /** Makes the logs collection of the database in `mongoUrl` hold `count` entries (0 empties it). */
  holdEntries(mongoUrl: string, count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The MongoDB stand-in as `make run` starts it, with a data directory (journal and snapshots), so every
 * path pays what a developer's store pays, in a directory removed at the end; in a child process of
 * its own (`children/dev-store.ts`), as a MongoDB server would run.
 */
export async function startDevStore(): Promise<DevStore> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  const child = spawnTracked(process.execPath, [
    fileURLToPath(new URL('./children/dev-store.js', import.meta.url)),
    dir,
  ]);
  const { url } = JSON.parse(await firstLine(child, 30_000)) as { url: string };
  let closed = false;
  return {
    url,
    pid: child.pid!,
    async holdEntries(mongoUrl, count) {
      const client = new MongoClient(mongoUrl);
      try {
        const logs = client.db().collection(LOGS);
        let held = await logs.countDocuments();
        if (count === 0) {
          await logs.deleteMany({});
          held = 0;
        }
        while (held < count) {
          const at = new Date();
          const size = Math.min(FILL_BATCH, count - held);
          await logs.insertMany(
            Array.from({ length: size }, (_, i) => ({
              name: 'bench-fill',
              data: `entry ${held + i} stored before the measurement`,
              created_at: at,
              updated_at: at,
            })),
          );
          held += size;
        }
      } finally {
        await client.close();
      }
      await settled(dir);
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until a compaction the filling started has finished (one open journal segment left), so the
 * measured window sees the store as a developer's usually is, not the worker folding in the fill.
 */
async function settled(dir: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const segments = (await readdir(dir)).filter((name) => name.startsWith('journal.'));
    if (segments.length <= 1) return;
    if (Date.now() > deadline) throw new Error(`the dev store in ${dir} did not finish compacting in 120 s`);
    await sleep(100);
  }
}
