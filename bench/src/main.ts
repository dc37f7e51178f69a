import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containerHeapOptions, type ServiceName, type Suite, startSuite } from '@suite/launcher';
import { type BenchOptions, parseArgs, UsageError } from './args.js';
import { measureBcryptAlone, measureCeiling, requestsServed } from './ceilings.js';
import { CpuMeter, waitUntilQuiet } from './cpu.js';
import { type DevStore, startDevStore } from './dev-store.js';
import { measureEventPath, measureRabbitCeiling } from './event-path.js';
import { runLoad } from './load.js';
import { BCRYPT_COST, EVENTS_ID, SEED_USER, selectPaths } from './paths.js';
import { firstLine, killChildren, spawnTracked } from './processes.js';
import {
  type BenchReport,
  cpuTable,
  evaluateTargets,
  type PathRow,
  resultsTable,
  targetSummary,
  tracingCostTable,
  verdictTable,
  writeResults,
} from './report.js';
import { RssSampler } from './rss.js';

const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
/** The issue's target: publish → stored at 40% or more of RabbitMQ's own confirm-publish rate. */
const EVENT_TARGET_OF_RABBIT = 0.4;
/** The memory limit the manifests give every service (256Mi): no service may pass it. */
const RSS_LIMIT_MB = 256;

/**
 * NODE_OPTIONS and profiling for every service. Node 20 refuses --cpu-prof in NODE_OPTIONS; a preload
 * takes the profile through the inspector instead.
 */
function serviceNodeEnv(options: BenchOptions): Record<string, string> {
  // After the suite's heap setting (the launcher puts it first): the container's share, then the caller's flags.
  const flags = options.memoryLimitMb > 0 ? [containerHeapOptions(options.memoryLimitMb)] : [];
  if (options.nodeOptions) flags.push(options.nodeOptions);
  const env: Record<string, string> = {};
  if (options.profileDir) {
    const dir = resolve(options.profileDir);
    mkdirSync(dir, { recursive: true });
    flags.push(`--import=${fileURLToPath(new URL('./children/cpu-profile.js', import.meta.url))}`);
    env.BENCH_PROFILE_DIR = dir;
  }
  if (flags.length > 0) env.NODE_OPTIONS = flags.join(' ');
  return env;
}

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function startSmtpSink(): Promise<number> {
  const sink = spawnTracked(process.execPath, [
    fileURLToPath(new URL('./children/smtp-sink.js', import.meta.url)),
  ]);
  return (JSON.parse(await firstLine(sink, 10_000)) as { port: number }).port;
}

let suite: Suite | undefined;
let store: DevStore | undefined;
let stopping: Promise<void> | undefined;

/** Stops the load generator, the reference servers and the suite (services, stand-ins, throw-away data). */
function stopEverything(): Promise<void> {
  stopping ??= (async () => {
    killChildren();
    await suite
      ?.stop()
      .catch((err: unknown) => say(`suite cleanup: ${err instanceof Error ? err.message : err}`));
    await store?.close();
  })();
  return stopping;
}

async function startOtlpSink(): Promise<number> {
  const sink = spawnTracked(process.execPath, [
    fileURLToPath(new URL('./children/otlp-sink.js', import.meta.url)),
  ]);
  return (JSON.parse(await firstLine(sink, 10_000)) as { port: number }).port;
}

/** Every service traced and sampling everything (spans to the sink), or tracing off whatever the shell says. */
async function tracingEnv(on: boolean): Promise<Record<string, string>> {
  if (!on) return { OTEL_SDK_DISABLED: 'true' };
  const port = await startOtlpSink();
  return {
    OTEL_SDK_DISABLED: 'false',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_TRACES_SAMPLER: 'always_on',
  };
}

async function bench(options: BenchOptions, tracing: boolean): Promise<BenchReport> {
  const started = performance.now();
  // `events` in --only selects the RabbitMQ ceiling and the event path (they always run together).
  const eventsOnly = options.only.includes(EVENTS_ID);
  const brokerIds = options.only.filter((id) => id !== EVENTS_ID);
  const paths = eventsOnly && brokerIds.length === 0 ? [] : selectPaths(brokerIds);
  const runEvents = options.only.length === 0 || eventsOnly;
  const load = {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };

  say(
    `starting an SMTP sink, the dev store and the suite (ephemeral ports, LOG_LEVEL=warn, tracing ${tracing ? 'on' : 'off'})`,
  );
  const smtpPort = await startSmtpSink();
  const traceEnv = await tracingEnv(tracing);
  store = await startDevStore();
  const devStore = store;
  suite = await startSuite({
    ports: 'ephemeral',
    // MAIL_HOST set: the launcher starts no catcher and the mail-service sends to the sink.
    // MONGO_URL set: the logger writes to the dev store (a throw-away database on it).
    sourceEnv: {
      ...process.env,
      MAIL_HOST: '127.0.0.1',
      MAIL_PORT: String(smtpPort),
      MONGO_URL: devStore.url,
    },
    env: {
      LOG_LEVEL: 'warn',
      ...traceEnv,
      ...serviceNodeEnv(options),
    },
    serviceEnv: {
      'authentication-service': {
        BCRYPT_COST: String(BCRYPT_COST),
        SEED_EMAIL: SEED_USER.email,
        SEED_PASSWORD: SEED_USER.password,
      },
      'listener-service': { PREFETCH: process.env.BENCH_PREFETCH ?? '300' },
      // 50 logins queue behind ~30 bcrypt comparisons a second: the default 5 s would answer 504s.
      // The mail path is measured, not the per-client mail limit (30 a minute by default).
      'broker-service': { DOWNSTREAM_TIMEOUT_MS: '20000', MAIL_RATE_LIMIT: '1000000' },
    },
  });
  const running = suite;
  // Table columns, busiest first.
  const columns: Array<[string, ServiceName]> = [
    ['broker', 'broker-service'],
    ['auth', 'authentication-service'],
    ['logger', 'logger-service'],
    ['mail', 'mail-service'],
    ['listener', 'listener-service'],
    ['front-end', 'front-end'],
  ];
  const pids = () => Object.fromEntries(columns.map(([column, name]) => [column, running.pid(name)]));
  const sampler = new RssSampler(pids);
  // The MongoDB stand-in (and its compaction worker) runs in its own process.
  const cpu = new CpuMeter(() => ({ ...pids(), store: devStore.pid }));

  say(`ceiling: bare node:http (${load.durationSeconds} s)`);
  const http = await measureCeiling('http', load);
  say(`ceiling: Express 5 (${load.durationSeconds} s)`);
  const express = await measureCeiling('express', load);
  let bcrypt: BenchReport['bcrypt'];
  if (paths.some((p) => p.target.kind === 'bcrypt')) {
    say(`ceiling: bcrypt.compare alone, cost ${BCRYPT_COST}, ${options.connections} at once`);
    bcrypt = await measureBcryptAlone(BCRYPT_COST, options.connections, Math.max(2, load.durationSeconds));
  }

  let rabbit: BenchReport['rabbit'];
  let eventPath: BenchReport['eventPath'];
  if (runEvents) {
    // Before the broker paths: the MongoDB stand-in scans its documents for an event-id upsert, so
    // after the paths' ~100k entries the event path would measure the stand-in, not the pipeline.
    say(`ceiling: RabbitMQ confirm-publish and deliver, ${options.rabbitMessages} messages`);
    rabbit = await measureRabbitCeiling(running.rabbitUrl, options.rabbitMessages);
    say(`event path: ${options.events} events, publish → stored`);
    sampler.start();
    const result = await measureEventPath({
      rabbitUrl: running.rabbitUrl,
      exchange: running.exchangeName,
      queue: running.queueName,
      listenerUrl: running.urls.listener,
      events: options.events,
      timeoutMs: options.quick ? 20_000 : 40_000,
    });
    eventPath = { ...result, rssMb: sampler.stop(), ofRabbitConfirm: EVENT_TARGET_OF_RABBIT };
    if (result.stored < result.events)
      say(`event path: only ${result.stored} of ${result.events} stored in time`);
  }

  // The broker's events would otherwise be drained by listener, logger and MongoDB stand-in while the
  // next path runs, stealing CPU from it; the event path above measures that drain on its own. The
  // suite's clean-up deletes the queue they pile up in.
  await running.stopService('listener-service');
  const rows: PathRow[] = [];
  for (const path of paths) {
    if (path.storeHolds !== undefined) {
      say(`dev store: ${path.storeHolds === 0 ? 'emptying' : `filling to ${path.storeHolds} entries`}`);
      await devStore.holdEntries(running.mongoUrl, path.storeHolds);
    }
    const waited = await waitUntilQuiet(() => ({ ...pids(), store: devStore.pid }));
    if (waited > 1000) say(`waited ${(waited / 1000).toFixed(1)} s for the previous path's work to finish`);
    say(`path: ${path.label} (${load.durationSeconds} s)`);
    sampler.start();
    cpu.begin();
    const warmupSeconds = path.skipWarmup ? 0 : load.warmupSeconds;
    const result = await runLoad({
      url: `${running.urls.broker}${path.path}`,
      method: path.method,
      body: path.body,
      ...load,
      warmupSeconds,
    });
    rows.push({
      id: path.id,
      label: path.label,
      load: result,
      rssMb: sampler.stop(),
      cpuUsPerRequest: cpu.end(requestsServed(result, warmupSeconds)),
      target: path.target,
    });
  }

  const cpus = os.cpus();
  return {
    machine: {
      cores: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      date: new Date().toISOString(),
    },
    settings: {
      ...load,
      bcryptCost: BCRYPT_COST,
      quick: options.quick,
      memoryLimitMb: options.memoryLimitMb,
      nodeOptions: options.nodeOptions,
      tracing,
    },
    ceilings: { http, express },
    bcrypt,
    paths: rows,
    eventPath,
    rabbit,
    services: columns.map(([column]) => column),
    rssLimitMb: RSS_LIMIT_MB,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

async function main() {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping everything`);
      void stopEverything().finally(() => process.exit(130));
    });
  }
  try {
    const runs = options.tracing === 'both' ? [false, true] : [options.tracing === 'on'];
    const reports: BenchReport[] = [];
    for (const tracing of runs) {
      const report = await bench(options, tracing);
      await stopEverything();
      // The next run starts afresh: its own suite, store and sinks.
      stopping = undefined;
      suite = undefined;
      store = undefined;
      reports.push(report);
      const base = isAbsolute(options.resultsDir)
        ? options.resultsDir
        : resolve(BENCH_DIR, options.resultsDir);
      const dir = runs.length > 1 && tracing ? join(base, 'tracing-on') : base;
      const files = writeResults(dir, report);
      process.stdout.write(
        `\n${runs.length > 1 ? `Tracing ${tracing ? 'on' : 'off'}:\n` : ''}${resultsTable(report)}\n\n${cpuTable(report)}\n\n${verdictTable(evaluateTargets(report))}\n\n${targetSummary(evaluateTargets(report))}\n\n`,
      );
      say(`results: ${files.markdown}, ${files.json}, ${files.latest}`);
    }
    const [off, on] = reports;
    if (off && on) process.stdout.write(`${tracingCostTable(off, on)}\n\n`);
  } catch (err) {
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopEverything();
    process.exitCode = 1;
  }
}

await main();
