import { parentPort, workerData } from 'node:worker_threads';
import { loadDirectory, writeSnapshot } from './persistence.js';
import { Store } from './store.js';

/** Worker thread: folds the snapshot and the closed journal segments into a new snapshot. */
export interface CompactionRequest {
  dir: string;
  upTo: number;
}

const { dir, upTo } = workerData as CompactionRequest;
const store = new Store();
const state = loadDirectory(dir, store, undefined, upTo);
const snapshotBytes = writeSnapshot(dir, store, state.seq, state.segments);
parentPort?.postMessage({ snapshotBytes });
