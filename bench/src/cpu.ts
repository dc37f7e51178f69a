import { readFileSync } from 'node:fs';

/** Linux reports utime and stime in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICK_MS = 10;

/** User + system CPU time (ms) out of a /proc/<pid>/stat text; the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): number | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : undefined;
}

export function readCpuMs(pid: number): number | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * CPU time each process spends per request during a load window. Unlike req/s it barely moves when
 * other work shares the machine, so it shows what a change saved even in a noisy run.
 */
export class CpuMeter {
  private start = new Map<string, number>();

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  begin(): void {
    this.start = new Map();
    for (const [name, pid] of Object.entries(this.pids())) {
      const ms = pid === undefined ? undefined : readCpuMs(pid);
      if (ms !== undefined) this.start.set(name, ms);
    }
  }

  /** µs of CPU per request for each process, given how many requests the window served. */
  end(requests: number): Record<string, number> {
    const perRequest: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids())) {
      const before = this.start.get(name);
      const after = pid === undefined ? undefined : readCpuMs(pid);
      if (before === undefined || after === undefined || requests <= 0) continue;
      perRequest[name] = ((after - before) * 1000) / requests;
    }
    return perRequest;
  }
}

/**
 * Waits until the processes are quiet (together under `busyFraction` of one core over `windowMs`), or
 * `timeoutMs` passed. A path leaves work behind when its load stops (50 logins queued behind bcrypt,
 * calls still in flight), which would otherwise be charged to the next path.
 * @returns how long it waited, in ms.
 */
export async function waitUntilQuiet(
  pids: () => Record<string, number | undefined>,
  { windowMs = 500, busyFraction = 0.05, timeoutMs = 30_000 } = {},
): Promise<number> {
  const started = performance.now();
  const total = () =>
    Object.values(pids()).reduce<number>((sum, pid) => sum + ((pid && readCpuMs(pid)) || 0), 0);
  let before = total();
  while (performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = total();
    if (after - before <= windowMs * busyFraction) break;
    before = after;
  }
  return performance.now() - started;
}
