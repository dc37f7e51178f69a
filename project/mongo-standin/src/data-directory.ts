import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompactionRequest } from './compactor.js';
import type { Logger } from './logger.js';
import { Journal, loadDirectory, prepareDirectory } from './persistence.js';
import type { Store } from './store.js';

const DEFAULT_COMPACT_AFTER_BYTES = 16 * 1024 * 1024;
const FSYNC_INTERVAL_MS = 1000;

// Beside this module once built. Tests run the sources through tsx, whose loader worker threads do
// not inherit on Node 20, so they use the built one (the tests run after the build).
const COMPACTOR = new URL(
  extname(fileURLToPath(import.meta.url)) === '.ts' ? '../dist/compactor.js' : './compactor.js',
  import.meta.url,
);

/** Loads `dir` into `store` and returns the journal that records every later change. */
export async function openDataDirectory(
  dir: string,
  store: Store,
  logger: Logger,
  compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES,
): Promise<Journal> {
  prepareDirectory(dir);
  const started = performance.now();
  const state = loadDirectory(dir, store, logger);
  logger.info(
    {
      dir,
      documents: store.documentCount(),
      snapshotBytes: state.snapshotBytes,
      journalBytes: state.journalBytes,
      ms: Math.round(performance.now() - started),
    },
    'data directory loaded',
  );
  return new Journal(dir, state, {
    compactAfterBytes,
    fsyncIntervalMs: FSYNC_INTERVAL_MS,
    logger,
    compact: (upTo) => compactInWorker({ dir, upTo }),
  });
}

function compactInWorker(request: CompactionRequest): Promise<{ snapshotBytes: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(COMPACTOR, { workerData: request });
    let result: { snapshotBytes: number } | undefined;
    worker.once('message', (message: { snapshotBytes: number }) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the compaction worker exited with code ${code}`));
    });
  });
}
