import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sleep } from '@suite/toolbox';
import { formatLogLine } from './log-format.js';
import { type Readiness, TRACING_IMPORT } from './services.js';

export type OutputMode = 'prefixed' | 'silent';

export interface ServiceProcessOptions {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  readiness: Readiness;
  output: OutputMode;
  colour?: string;
  write?: (line: string) => void;
}

const KEPT_LINES = 40;

/** One service as a child process: started, watched until ready, stopped with SIGTERM. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private readonly recent: string[] = [];

  constructor(private readonly options: ServiceProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The child's process id while it runs, e.g. to sample its memory from /proc. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    // The tracing bootstrap loads first, as in the images (it does nothing without an OTLP endpoint).
    const child = spawn(process.execPath, ['--import', TRACING_IMPORT, this.options.script], {
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => this.onLine(line));
    }
    await this.waitUntilReady(readyTimeoutMs);
  }

  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  lastLines(): string {
    return this.recent.join('\n');
  }

  private onLine(line: string) {
    this.recent.push(line);
    if (this.recent.length > KEPT_LINES) this.recent.shift();
    if (this.options.output === 'prefixed') {
      const colour = this.options.colour;
      const prefix = colour ? `${colour}${this.name.padEnd(22)}\x1b[0m| ` : `${this.name.padEnd(22)}| `;
      (this.options.write ?? ((text: string) => process.stdout.write(text)))(
        `${prefix}${formatLogLine(line, Boolean(colour))}\n`,
      );
    }
  }

  private async waitUntilReady(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) {
        const code = await this.exited;
        throw new Error(`${this.name} exited with code ${code} before it was ready:\n${this.lastLines()}`);
      }
      try {
        const response = await fetch(this.options.readiness.url, { signal: AbortSignal.timeout(2000) });
        if (await this.options.readiness.isReady(response.clone())) return;
        lastProblem = `${response.status} ${await response.text()}`;
      } catch (err) {
        lastProblem = err instanceof Error ? err.message : String(err);
      }
      await sleep(150);
    }
    await this.stop();
    throw new Error(
      `${this.name} was not ready within ${timeoutMs} ms (${this.options.readiness.url}: ${lastProblem}):\n${this.lastLines()}`,
    );
  }
}
