import { fileURLToPath } from 'node:url';
import { type LoadResult, runLoad } from './load.js';
import { CEILING_BODY } from './paths.js';
import { collect, firstLine, spawnTracked, stopChild } from './processes.js';

const child = (name: string) => fileURLToPath(new URL(`./children/${name}.js`, import.meta.url));

export type CeilingKind = 'http' | 'express';

/** The same load against a reference server in its own process: what this machine allows at best. */
export async function measureCeiling(
  kind: CeilingKind,
  load: { connections: number; durationSeconds: number; warmupSeconds: number },
): Promise<LoadResult> {
  const server = spawnTracked(process.execPath, [child('ceiling-server'), kind]);
  try {
    const { port } = JSON.parse(await firstLine(server, 10_000)) as { port: number };
    return await runLoad({ url: `http://127.0.0.1:${port}/`, method: 'POST', body: CEILING_BODY, ...load });
  } finally {
    await stopChild(server);
  }
}

export interface BcryptAlone {
  cost: number;
  concurrency: number;
  completed: number;
  perSecond: number;
}

/** bcrypt.compare throughput alone at the service's cost and the load's concurrency, in a child process. */
export async function measureBcryptAlone(
  cost: number,
  concurrency: number,
  seconds: number,
): Promise<BcryptAlone> {
  const worker = spawnTracked(process.execPath, [
    child('bcrypt-worker'),
    String(cost),
    String(concurrency),
    String(seconds),
  ]);
  const { code, stdout, stderr } = await collect(worker, seconds * 1000 + 30_000);
  if (code !== 0) throw new Error(`bcrypt worker exited with ${code}: ${stderr.slice(-500)}`);
  return JSON.parse(stdout.trim()) as BcryptAlone;
}
