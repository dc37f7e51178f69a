import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type LogReader, waitFor } from '@suite/test-kit';
import type { Check } from './report.js';
import { postJson, type Stack } from './stack.js';

const run = promisify(execFile);

/**
 * The Swarm stack as test-swarm.sh deployed it, seen from its network namespace: the page and the broker
 * through Caddy's published port 80, the admin UI through 8082, MongoDB (as the logger's own user),
 * the mail catcher and Jaeger through the script's relay.
 */
export function swarmStack(): Stack & { name: string } {
  const password = process.env.LOGGER_MONGO_PASSWORD;
  if (!password) throw new Error('LOGGER_MONGO_PASSWORD is not set');
  return {
    name: process.env.SWARM_STACK ?? 'suite',
    broker: 'http://127.0.0.1/api',
    frontEnd: 'http://127.0.0.1',
    logger: 'http://127.0.0.1:8082',
    mailViewer: 'http://127.0.0.1:8025',
    traceView: 'http://127.0.0.1:16686',
    mongoUrl: `mongodb://logger:${password}@127.0.0.1:27017/logs`,
    runId: randomUUID().slice(0, 8),
  };
}

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  return stdout.trim();
}

/** The running containers of one service of the stack. */
async function containersOf(stack: string, service: string): Promise<string[]> {
  const ids = await docker(
    'ps',
    '-q',
    '--filter',
    `label=com.docker.swarm.service.name=${stack}_${service}`,
    '--filter',
    'status=running',
  );
  return ids.split('\n').filter(Boolean);
}

/** Waits until every replica of `service` runs again and reports healthy (after a kill or an update). */
async function healthyReplicas(stack: string, service: string, replicas: number, timeoutMs = 180_000) {
  let seen = '';
  await waitFor(
    async () => {
      const ids = await containersOf(stack, service);
      if (ids.length !== replicas) {
        seen = `${ids.length} running`;
        return false;
      }
      const health = await docker('inspect', '--format', '{{.State.Health.Status}}', ...ids);
      seen = health.replace(/\n/g, ', ');
      return health.split('\n').every((h) => h === 'healthy');
    },
    { timeoutMs, intervalMs: 1000, describe: () => `${service}: ${replicas} healthy replicas, saw ${seen}` },
  );
}

/** Runs `count` tasks with at most `limit` in flight. */
async function bounded(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** Waits until the entries named `name` hold exactly the `data` values expected, each once. */
async function storedExactlyOnce(logs: LogReader, name: string, expected: Set<string>, timeoutMs: number) {
  let found: { data: string }[] = [];
  await waitFor(
    async () => {
      found = await logs.find({ name });
      return found.length >= expected.size;
    },
    {
      timeoutMs,
      intervalMs: 1000,
      describe: () => `${found.length} of ${expected.size} events stored`,
    },
  ).catch(() => undefined);
  const counts = new Map<string, number>();
  for (const { data } of found) counts.set(data, (counts.get(data) ?? 0) + 1);
  const missing = [...expected].filter((data) => !counts.has(data));
  const duplicated = [...counts].filter(([, n]) => n > 1).length;
  const unexpected = [...counts.keys()].filter((data) => !expected.has(data)).length;
  return { stored: counts.size, missing: missing.length, duplicated, unexpected };
}

/** Fault checks at two replicas; each prints what it measured on its own line. */
export function faultChecks(stack: ReturnType<typeof swarmStack>, logs: LogReader): Record<string, Check> {
  const event = (name: string, data: string) => ({
    action: 'log',
    via: 'rabbitmq',
    log: { name, data },
  });

  return {
    'kill-during-events': {
      name: '1,000 events published while one listener and one logger replica are killed are all stored exactly once',
      async run() {
        const name = `swarm-kill-${stack.runId}`;
        const total = 1000;
        const sent = new Set<string>();
        const failed: string[] = [];
        let killed = false;
        await bounded(total, 10, async (i) => {
          if (i === 200 && !killed) {
            killed = true;
            const [listener] = await containersOf(stack.name, 'listener-service');
            const [logger] = await containersOf(stack.name, 'logger-service');
            if (!listener || !logger) throw new Error('no listener or logger container to kill');
            await docker('kill', listener, logger);
            process.stdout.write(
              `  killed listener ${listener.slice(0, 12)} and logger ${logger.slice(0, 12)}\n`,
            );
          }
          const data = `event ${i}`;
          const answer = await postJson(`${stack.broker}/handle`, event(name, data)).catch((err: Error) => ({
            status: 0,
            body: { message: err.message },
          }));
          if (answer.status === 202) sent.add(data);
          else failed.push(`${answer.status} ${answer.body.message}`);
        });
        const result = await storedExactlyOnce(logs, name, sent, 180_000);
        process.stdout.write(
          `  events: ${total} published, ${sent.size} answered 202, ${failed.length} refused` +
            `${failed.length ? ` (${[...new Set(failed)].slice(0, 3).join('; ')})` : ''}; ` +
            `stored ${result.stored} of ${sent.size}, ${result.duplicated} duplicated, ${result.missing} missing\n`,
        );
        await healthyReplicas(stack.name, 'listener-service', 2);
        await healthyReplicas(stack.name, 'logger-service', 2);
        if (sent.size !== total) throw new Error(`${failed.length} of ${total} publishes were refused`);
        if (result.missing || result.duplicated || result.unexpected) {
          throw new Error(
            `${result.missing} missing, ${result.duplicated} duplicated, ${result.unexpected} unexpected`,
          );
        }
      },
    },
    'rolling-update': {
      name: 'a rolling update of the broker under a steady light load loses no request answered 202',
      async run() {
        const name = `swarm-rolling-${stack.runId}`;
        const answered = new Set<string>();
        const failures: string[] = [];
        let sent = 0;
        let running = true;
        // About 20 requests a second, one at a time per client, from 4 clients.
        const client = async (id: number) => {
          while (running) {
            const data = `request ${id}-${sent++}`;
            const answer = await postJson(`${stack.broker}/handle`, event(name, data)).catch(
              (err: Error) => ({
                status: 0,
                body: { message: err.message },
              }),
            );
            if (answer.status === 202) answered.add(data);
            else failures.push(`${answer.status} ${answer.body.message}`);
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        };
        const load = Promise.all([0, 1, 2, 3].map(client));
        const updateStarted = Date.now();
        try {
          await new Promise((resolve) => setTimeout(resolve, 3000));
          await docker(
            'service',
            'update',
            '--force',
            '--detach=false',
            '--quiet',
            `${stack.name}_broker-service`,
          );
          await healthyReplicas(stack.name, 'broker-service', 2);
          await new Promise((resolve) => setTimeout(resolve, 3000));
        } finally {
          running = false;
          await load;
        }
        const seconds = Math.round((Date.now() - updateStarted) / 1000);
        const result = await storedExactlyOnce(logs, name, answered, 120_000);
        process.stdout.write(
          `  rolling update: ${sent} requests in ${seconds}s, ${answered.size} answered 202, ` +
            `${failures.length} failed${failures.length ? ` (${[...new Set(failures)].slice(0, 3).join('; ')})` : ''}; ` +
            `of the 202s ${result.stored} stored, ${result.missing} lost, ${result.duplicated} duplicated\n`,
        );
        if (answered.size === 0) throw new Error('no request was answered 202');
        if (result.missing || result.duplicated) {
          throw new Error(`${result.missing} answered requests lost, ${result.duplicated} duplicated`);
        }
      },
    },
  };
}

/**
 * The checks that must address each replica by itself (limits and sessions across replicas) run in a
 * container on the stack's network, where `tasks.<service>` names every replica. It prints one line per
 * check and its own "swarm replicas: N passed, M failed"; true when all passed.
 */
export async function replicaChecks(stack: ReturnType<typeof swarmStack>): Promise<boolean> {
  const dir = fileURLToPath(new URL('./in-network/', import.meta.url));
  const image = `${process.env.REGISTRY ?? 'local'}/broker-service:${process.env.TAG ?? 'latest'}`;
  const args = ['run', '--rm', '--network', `${stack.name}_suite`, '--volume', `${dir}:/checks:ro`];
  args.push('--env', 'SEED_PASSWORD', '--env', `RUN_ID=${stack.runId}`, '--no-healthcheck', image);
  try {
    process.stdout.write(`${await docker(...args, 'node', '/checks/replicas.mjs')}\n`);
    return true;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    process.stdout.write(`${stdout ?? ''}${stderr ?? ''}\n`);
    return false;
  }
}
