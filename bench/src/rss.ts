import { readFileSync } from 'node:fs';

export interface MemoryStatus {
  /** Resident set now, in MB. */
  rssMb: number;
  /** The process's resident high-water mark, in MB. */
  hwmMb: number;
}

/** Reads VmRSS and VmHWM (kB) out of a /proc/<pid>/status text. */
export function parseProcStatus(text: string): MemoryStatus | undefined {
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  if (rss === undefined) return undefined;
  return { rssMb: rss / 1024, hwmMb: (hwm ?? rss) / 1024 };
}

function readMemory(pid: number): MemoryStatus | undefined {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Samples each named process's RSS every `intervalMs` and keeps the peak, per measurement window. */
export class RssSampler {
  private peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pids: () => Record<string, number | undefined>,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.peaks = new Map();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Ends the window and returns each process's peak RSS in MB during it. */
  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return Object.fromEntries(this.peaks);
  }

  private sample() {
    for (const [name, pid] of Object.entries(this.pids())) {
      if (pid === undefined) continue;
      const memory = readMemory(pid);
      if (memory) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, memory.rssMb));
    }
  }
}
