import { createRequire } from 'node:module';
import { collect, spawnTracked } from './processes.js';

const require = createRequire(import.meta.url);
const AUTOCANNON_CLI = require.resolve('autocannon/autocannon.js');

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  body?: unknown;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Socket errors and timeouts as autocannon counts them. */
  socketErrors: number;
  /** non-2xx plus socket errors: anything that was not a success. */
  errors: number;
}

/** The subset of autocannon's `--json` output that the report uses. */
interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  duration: number;
}

export function autocannonArgs(spec: LoadSpec): string[] {
  const args = [
    '--json',
    '-c',
    String(spec.connections),
    '-d',
    String(spec.durationSeconds),
    '-m',
    spec.method,
  ];
  if (spec.body !== undefined) {
    args.push('-H', 'content-type=application/json', '-b', JSON.stringify(spec.body));
  }
  if (spec.warmupSeconds > 0)
    args.push('-W', '[', '-c', String(spec.connections), '-d', String(spec.warmupSeconds), ']');
  args.push(spec.url);
  return args;
}

/** Reads the last JSON line autocannon printed; successes per second come from the 2xx count. */
export function parseAutocannonOutput(stdout: string): LoadResult {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`autocannon printed no JSON result: ${stdout.slice(0, 500)}`);
  const raw = JSON.parse(line) as AutocannonJson;
  // autocannon counts a timed-out request under both `errors` and `timeouts`.
  const socketErrors = raw.errors;
  return {
    requestsPerSecond: raw.requests.average,
    total: raw.requests.total,
    p50Ms: raw.latency.p50,
    p99Ms: raw.latency.p99,
    non2xx: raw.non2xx,
    socketErrors,
    errors: raw.non2xx + socketErrors,
  };
}

/** Runs autocannon as its own process so the load generator never shares an event loop with what it measures. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawnTracked(process.execPath, [AUTOCANNON_CLI, ...autocannonArgs(spec)]);
  const limitMs = (spec.durationSeconds + spec.warmupSeconds) * 1000 + 30_000;
  const { code, stdout, stderr } = await collect(child, limitMs);
  if (code !== 0) throw new Error(`autocannon exited with ${code}: ${stderr.slice(-500)}`);
  return parseAutocannonOutput(stdout);
}
