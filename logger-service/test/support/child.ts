import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { withTimeout } from '@suite/toolbox';

export interface Child {
  process: ChildProcess;
  /** The first stdout line that matched. */
  line: string;
  /** Resident memory now, from /proc. */
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Starts a node program and waits (bounded) for the stdout line that says it is ready. */
export async function startChild(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 20_000,
): Promise<Child> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit');
  const line = await withTimeout(
    new Promise<string>((resolve, reject) => {
      lines.on('line', (text) => ready.test(text) && resolve(text));
      void exited.then(() => reject(new Error(`${script} exited before it was ready`)));
    }),
    timeoutMs,
    `${script} was not ready within ${timeoutMs} ms`,
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  // Keep reading so the child never blocks on a full stdout pipe.
  lines.on('line', () => {});
  return {
    process: child,
    line,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      return kb ? Number(kb[1]) * 1024 : Number.NaN;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await withTimeout(exited, 10_000, `${script} did not stop`).catch(() => child.kill('SIGKILL'));
    },
  };
}
