import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BcryptAlone, CeilingResult } from './ceilings.js';
import type { EventPathResult, RabbitCeiling } from './event-path.js';
import type { LoadResult } from './load.js';
import type { Target } from './paths.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  date: string;
}

export interface PathRow {
  id: string;
  label: string;
  load: LoadResult;
  /** Peak RSS (MB) of each service while this path ran. */
  rssMb: Record<string, number>;
  /** CPU µs (user + system) per request of each service, and of `store` (the MongoDB stand-in's process). */
  cpuUsPerRequest: Record<string, number>;
  target: Target;
}

export interface BenchReport {
  machine: Machine;
  settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    bcryptCost: number;
    quick: boolean;
    /** Heaps sized as in a container of this many MB; 0: by the machine's memory. */
    memoryLimitMb: number;
    /** Extra Node flags every service ran with. */
    nodeOptions?: string;
    /** Every service traced every request (spans to a discarding OTLP sink). */
    tracing?: boolean;
  };
  ceilings: { http: CeilingResult; express: CeilingResult };
  bcrypt?: BcryptAlone;
  paths: PathRow[];
  eventPath?: EventPathResult & { rssMb: Record<string, number>; ofRabbitConfirm: number };
  rabbit?: RabbitCeiling;
  /** Columns of the RSS part of the table, in order. */
  services: string[];
  rssLimitMb: number;
  totalSeconds: number;
}

export interface Verdict {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

export const ratio = (value: number, ceiling: number): number => (ceiling > 0 ? value / ceiling : 0);

export const formatRatio = (value: number): string => `${(value * 100).toFixed(0)}%`;

/** Requests per second: whole numbers past 100, one decimal below (bcrypt-bound paths are slow). */
function formatRate(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

const formatMs = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const formatMb = (value: number | undefined) => (value === undefined ? '' : value.toFixed(0));

/** The issue's targets, each judged against this run's own ceilings. */
export function evaluateTargets(report: BenchReport): Verdict[] {
  const express = report.ceilings.express.requestsPerSecond;
  const verdicts: Verdict[] = [];
  for (const row of report.paths) {
    const { load, target } = row;
    const clean = load.errors === 0;
    const errorNote = clean ? '' : `, ${load.errors} errors`;
    switch (target.kind) {
      case 'ratio': {
        const r = ratio(load.requestsPerSecond, express);
        verdicts.push({
          what: row.label,
          target: `≥ ${formatRatio(target.ofExpress)} of Express, 0 errors`,
          measured: `${formatRatio(r)} (${formatRate(load.requestsPerSecond)}/s), p99 ${formatMs(load.p99Ms)} ms${errorNote}`,
          met: r >= target.ofExpress && clean,
        });
        break;
      }
      case 'bcrypt': {
        const alone = report.bcrypt?.perSecond ?? 0;
        const r = ratio(load.requestsPerSecond, alone);
        verdicts.push({
          what: row.label,
          target: `≥ ${formatRatio(target.fraction)} of bcrypt alone (cost ${report.settings.bcryptCost}), 0 errors`,
          measured: `${formatRatio(r)} (${formatRate(load.requestsPerSecond)}/s vs ${formatRate(alone)}/s)${errorNote}`,
          met: alone > 0 && r >= target.fraction && clean,
        });
        break;
      }
      case 'vsRow': {
        const base = report.paths.find((p) => p.id === target.row);
        const r = base ? ratio(load.requestsPerSecond, base.load.requestsPerSecond) : 0;
        verdicts.push({
          what: row.label,
          target: `≥ ${formatRatio(target.atLeast)} of ${base?.label ?? target.row}, 0 errors`,
          measured: base
            ? `${formatRatio(r)} (${formatRate(load.requestsPerSecond)}/s vs ${formatRate(base.load.requestsPerSecond)}/s)${errorNote}`
            : `${target.row} not measured in this run`,
          met: base !== undefined && r >= target.atLeast && clean,
        });
        break;
      }
    }
  }
  if (report.eventPath) {
    const e = report.eventPath;
    const complete = e.stored >= e.events;
    const rabbit = report.rabbit?.confirmedPerSecond ?? 0;
    const r = ratio(e.storedPerSecond, rabbit);
    verdicts.push({
      what: 'event path (publish → stored)',
      target: `≥ ${formatRatio(e.ofRabbitConfirm)} of RabbitMQ's confirm-publish rate`,
      measured: `${formatRatio(r)} (${formatRate(e.storedPerSecond)} vs ${formatRate(rabbit)} events/s)${complete ? '' : ` (only ${e.stored} of ${e.events} stored in ${e.seconds.toFixed(0)} s)`}`,
      met: complete && rabbit > 0 && r >= e.ofRabbitConfirm,
    });
  }
  const peaks = peakRss(report);
  for (const service of report.services) {
    const peak = peaks[service];
    if (peak === undefined) continue;
    verdicts.push({
      what: `${service} peak RSS`,
      target: `< ${report.rssLimitMb} MB (the manifests' limit)`,
      measured: `${peak.toFixed(0)} MB`,
      met: peak < report.rssLimitMb,
    });
  }
  return verdicts;
}

/** Each service's highest RSS over every measured window. */
export function peakRss(report: BenchReport): Record<string, number> {
  const peaks: Record<string, number> = {};
  const windows = [...report.paths.map((p) => p.rssMb), report.eventPath?.rssMb ?? {}];
  for (const window of windows) {
    for (const [service, mb] of Object.entries(window)) peaks[service] = Math.max(peaks[service] ?? 0, mb);
  }
  return peaks;
}

/** A Markdown table with padded columns, readable as plain text too; numbers are right-aligned. */
export function renderTable(headers: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number) =>
    rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (rightAligned[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map((r) => line(headers.map((_, i) => r[i] ?? '')))].join('\n');
}

export function resultsTable(report: BenchReport): string {
  const http = report.ceilings.http.requestsPerSecond;
  const express = report.ceilings.express.requestsPerSecond;
  const headers = [
    'path',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'vs http',
    'vs express',
    ...report.services.map((s) => `${s} MB`),
  ];
  const rss = (window: Record<string, number>) => report.services.map((s) => formatMb(window[s]));
  const loadRow = (label: string, load: LoadResult, window: Record<string, number> = {}, ratios = true) => [
    label,
    formatRate(load.requestsPerSecond),
    formatMs(load.p50Ms),
    formatMs(load.p99Ms),
    String(load.errors),
    ratios ? formatRatio(ratio(load.requestsPerSecond, http)) : '',
    ratios ? formatRatio(ratio(load.requestsPerSecond, express)) : '',
    ...rss(window),
  ];
  const rows: string[][] = [
    loadRow('ceiling: bare node:http', report.ceilings.http, {}, false),
    loadRow('ceiling: Express 5', report.ceilings.express, {}, false),
  ];
  if (report.bcrypt) {
    rows.push([
      `ceiling: bcrypt.compare alone (cost ${report.bcrypt.cost})`,
      formatRate(report.bcrypt.perSecond),
    ]);
  }
  for (const row of report.paths) rows.push(loadRow(row.label, row.load, row.rssMb));
  if (report.eventPath) {
    const e = report.eventPath;
    rows.push([
      `event path: ${e.events} events publish → stored`,
      formatRate(e.storedPerSecond),
      '',
      '',
      '',
      '',
      '',
      ...rss(e.rssMb),
    ]);
    if (e.confirmedPerSecond > 0) {
      rows.push(['event path: publish confirmed (listener consuming)', formatRate(e.confirmedPerSecond)]);
    }
  }
  if (report.rabbit) {
    rows.push([
      `ceiling: RabbitMQ confirm-publish (${report.rabbit.messages} persistent)`,
      formatRate(report.rabbit.confirmedPerSecond),
    ]);
    rows.push([
      'ceiling: RabbitMQ deliver (prefetch 100, manual ack)',
      formatRate(report.rabbit.deliveredPerSecond),
    ]);
  }
  return renderTable(
    headers,
    rows,
    headers.map((_, i) => i > 0),
  );
}

/**
 * CPU time per request, by process: what each hop costs, steadier than req/s on a shared machine.
 * The ceilings' figure is their one server process.
 */
export function cpuTable(report: BenchReport): string {
  const columns = [...report.services, 'store'];
  const us = (value: number | undefined) => (value === undefined ? '' : value.toFixed(0));
  const rows: string[][] = [
    ['ceiling: bare node:http', ...columns.map(() => ''), us(report.ceilings.http.cpuUsPerRequest)],
    ['ceiling: Express 5', ...columns.map(() => ''), us(report.ceilings.express.cpuUsPerRequest)],
  ];
  for (const row of report.paths) {
    const values = columns.map((c) => row.cpuUsPerRequest[c]);
    const total = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    rows.push([row.label, ...values.map(us), us(total)]);
  }
  const headers = ['CPU µs per request', ...columns, 'all'];
  return renderTable(
    headers,
    rows,
    headers.map((_, i) => i > 0),
  );
}

/** One line: how many targets this run met, and which it missed. */
export function targetSummary(verdicts: Verdict[]): string {
  const missed = verdicts.filter((v) => !v.met).map((v) => v.what);
  const met = `Targets: ${verdicts.length - missed.length} of ${verdicts.length} met`;
  return missed.length === 0 ? `${met}.` : `${met}; missed: ${missed.join(', ')}.`;
}

export function verdictTable(verdicts: Verdict[]): string {
  return renderTable(
    ['target', 'wanted', 'measured', 'met'],
    verdicts.map((v) => [v.what, v.target, v.measured, v.met ? 'yes' : 'NO']),
  );
}

function renderMarkdown(report: BenchReport): string {
  const { machine, settings } = report;
  return [
    `# Benchmark ${machine.date}`,
    '',
    `${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}. ` +
      `${settings.connections} connections, ${settings.durationSeconds} s per path after ${settings.warmupSeconds} s warm-up` +
      `${settings.quick ? ' (quick smoke run: figures are rough)' : ''}; load generator (autocannon) in its own process; ` +
      `run took ${report.totalSeconds.toFixed(0)} s. ` +
      (settings.memoryLimitMb > 0
        ? `Services' heaps sized as in a ${settings.memoryLimitMb} MB container`
        : `Services' heaps sized by the machine's memory, as \`make run\``) +
      `${settings.nodeOptions ? `; extra Node flags \`${settings.nodeOptions}\`` : ''}.`,
    '',
    resultsTable(report),
    '',
    'req/s counts every answer; errors = non-2xx + socket errors/timeouts. RSS columns: each service’s peak VmRSS (MB) while the row ran, sampled every 100 ms.',
    '',
    cpuTable(report),
    '',
    "CPU time (user + system, /proc/<pid>/stat) each process spent per request over the row, warm-up included; `store` is the MongoDB stand-in's process.",
    '',
    '## Targets',
    '',
    verdictTable(evaluateTargets(report)),
    '',
    targetSummary(evaluateTargets(report)),
    '',
  ].join('\n');
}

/** `2026-11-25T10:22:33.123Z` → `2026-11-25T10-22-33Z`, safe in a file name. */
export const fileStamp = (iso: string): string => `${iso.slice(0, 19).replaceAll(':', '-')}Z`;

export function writeResults(
  dir: string,
  report: BenchReport,
): { json: string; markdown: string; latest: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = fileStamp(report.machine.date);
  const markdown = renderMarkdown(report);
  const files = {
    json: join(dir, `${stamp}.json`),
    markdown: join(dir, `${stamp}.md`),
    latest: join(dir, 'latest.md'),
  };
  writeFileSync(files.json, `${JSON.stringify({ ...report, verdicts: evaluateTargets(report) }, null, 2)}\n`);
  writeFileSync(files.markdown, markdown);
  writeFileSync(files.latest, markdown);
  return files;
}

/** Tracing's cost per path: all processes' CPU per request without and with it, and the peak RSS with it. */
export function tracingCostTable(off: BenchReport, on: BenchReport): string {
  const total = (row: PathRow) => Object.values(row.cpuUsPerRequest).reduce((sum, v) => sum + (v ?? 0), 0);
  const rows: string[][] = [];
  for (const withTracing of on.paths) {
    const without = off.paths.find((p) => p.id === withTracing.id);
    if (!without) continue;
    const a = total(without);
    const b = total(withTracing);
    const peak = Math.max(...Object.values(withTracing.rssMb).map((v) => v ?? 0));
    rows.push([
      withTracing.label,
      a.toFixed(0),
      b.toFixed(0),
      `${a > 0 ? (((b - a) / a) * 100).toFixed(0) : '?'}%`,
      peak.toFixed(0),
    ]);
  }
  return renderTable(['Tracing cost', 'CPU µs/req off', 'CPU µs/req on', 'added', 'peak RSS MB on'], rows, [
    false,
    true,
    true,
    true,
    true,
  ]);
}
