import { fileURLToPath } from 'node:url';
import { readCpuMs } from './cpu.js';
import { type LoadResult, runLoad } from './load.js';
import { CEILING_BODY } from './paths.js';
import { collect, firstLine, spawnTracked, stopChild } from './processes.js';

const child = (name: string) => fileURLToPath(new URL(`./children/${name}.js`, import.meta.url));

export type CeilingKind = 'http' | 'express';

export interface CeilingResult extends LoadResult {
  /** CPU time (user + system) the server spent per request, warm-up included. */
  cpuUsPerRequest: number;
}

/** The same load against a reference server in its own process: what this machine allows at best. */
export async function measureCeiling(
  kind: CeilingKind,
  load: { connections: number; durationSeconds: number; warmupSeconds: number },
): Promise<CeilingResult> {
  const server = spawnTracked(process.execPath, [child('ceiling-server'), kind]);
  try {
    const { port } = JSON.parse(await firstLine(server, 10_000)) as { port: number };
    const before = readCpuMs(server.pid!) ?? 0;
    const result = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      method: 'POST',
      body: CEILING_BODY,
      ...load,
    });
    const cpuMs = (readCpuMs(server.pid!) ?? before) - before;
    return { ...result, cpuUsPerRequest: (cpuMs * 1000) / requestsServed(result, load.warmupSeconds) };
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

/** autocannon's total leaves out the warm-up, which the CPU counters include: add it at the measured rate. */
export const requestsServed = (result: LoadResult, warmupSeconds: number): number =>
  result.total + result.requestsPerSecond * warmupSeconds;
