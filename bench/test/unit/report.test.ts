import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseProcStat } from '../../src/cpu.js';
import { readCounter } from '../../src/event-path.js';
import { autocannonArgs, parseAutocannonOutput } from '../../src/load.js';
import {
  type BenchReport,
  cpuTable,
  evaluateTargets,
  fileStamp,
  formatRatio,
  peakRss,
  ratio,
  renderTable,
  resultsTable,
  targetSummary,
} from '../../src/report.js';
import { parseProcStatus } from '../../src/rss.js';

const load = (requestsPerSecond: number, extra: Partial<BenchReport['ceilings']['http']> = {}) => ({
  requestsPerSecond,
  total: requestsPerSecond * 5,
  p50Ms: 5,
  p99Ms: 20,
  non2xx: 0,
  socketErrors: 0,
  errors: 0,
  ...extra,
});

function report(): BenchReport {
  return {
    machine: {
      cores: 2,
      cpuModel: 'cpu',
      node: 'v20.20.2',
      platform: 'Linux',
      date: '2026-11-25T10:22:33.123Z',
    },
    settings: {
      connections: 50,
      durationSeconds: 5,
      warmupSeconds: 1,
      bcryptCost: 10,
      quick: false,
      memoryLimitMb: 256,
    },
    ceilings: {
      http: { ...load(40_000), cpuUsPerRequest: 40 },
      express: { ...load(5_000), cpuUsPerRequest: 190 },
    },
    bcrypt: { cost: 10, concurrency: 50, completed: 180, perSecond: 36 },
    paths: [
      {
        id: 'hit',
        label: 'POST /',
        load: load(3_100),
        rssMb: { broker: 90 },
        cpuUsPerRequest: { broker: 250, store: 0 },
        target: { kind: 'ratio', ofExpress: 0.6 },
      },
      {
        id: 'log-rpc',
        label: 'log via rpc',
        load: load(2_500, { p99Ms: 30 }),
        rssMb: { broker: 120, logger: 270 },
        cpuUsPerRequest: {},
        target: { kind: 'ratio', ofExpress: 0.6 },
      },
      {
        id: 'auth',
        label: 'auth',
        load: load(33),
        rssMb: {},
        cpuUsPerRequest: {},
        target: { kind: 'bcrypt', fraction: 0.9 },
      },
      {
        id: 'mail',
        label: 'mail',
        load: load(1_200, { non2xx: 3, errors: 3 }),
        rssMb: {},
        cpuUsPerRequest: {},
        target: { kind: 'ratio', ofExpress: 0.2 },
      },
    ],
    eventPath: {
      events: 1000,
      stored: 1000,
      storedPerSecond: 9000,
      confirmedPerSecond: 15000,
      seconds: 0.11,
      rssMb: { listener: 80 },
      ofRabbitConfirm: 0.4,
    },
    rabbit: { messages: 1000, confirmedPerSecond: 20_000, deliveredPerSecond: 30_000 },
    services: ['broker', 'logger', 'listener'],
    rssLimitMb: 256,
    totalSeconds: 100,
  };
}

describe('ratios and targets', () => {
  test('when a ceiling is zero, then the ratio is zero rather than infinite', () => {
    assert.equal(ratio(10, 0), 0);
    assert.equal(formatRatio(ratio(3_100, 5_000)), '62%');
  });

  test('when targets are judged, then ratio, errors and RSS all count', () => {
    const verdicts = Object.fromEntries(evaluateTargets(report()).map((v) => [v.what, v.met]));
    assert.equal(verdicts['POST /'], true, '62% of Express meets 60%');
    assert.equal(verdicts['log via rpc'], false, '50% misses 60%');
    assert.equal(verdicts.auth, true, '33/s is 92% of bcrypt alone');
    assert.equal(verdicts.mail, false, 'errors fail a path even above its rate');
    assert.equal(verdicts['event path (publish → stored)'], true, '9,000/s is 45% of RabbitMQ');
    assert.equal(verdicts['logger peak RSS'], false);
    assert.equal(verdicts['broker peak RSS'], true);
  });

  test('when targets are summed up, then the line counts the met ones and names each missed one', () => {
    const verdicts = evaluateTargets(report());
    const missed = verdicts.filter((v) => !v.met).map((v) => v.what);
    assert.ok(missed.includes('log via rpc') && missed.includes('logger peak RSS'));
    assert.equal(
      targetSummary(verdicts),
      `Targets: ${verdicts.length - missed.length} of ${verdicts.length} met; missed: ${missed.join(', ')}.`,
    );
    assert.equal(
      targetSummary(verdicts.filter((v) => v.met)),
      `Targets: ${verdicts.length - missed.length} of ${verdicts.length - missed.length} met.`,
    );
  });

  test('when the event path ran out of time, then it misses whatever its rate', () => {
    const cut = report();
    cut.eventPath = { ...cut.eventPath!, stored: 999, storedPerSecond: 9000 };
    const verdict = evaluateTargets(cut).find((v) => v.what.startsWith('event path'))!;
    assert.equal(verdict.met, false);
    assert.match(verdict.measured, /only 999 of 1000/);
  });

  test('when the event path is judged, then it is against the RabbitMQ ceiling of the same run', () => {
    const judged = (change: Partial<BenchReport>) =>
      evaluateTargets({ ...report(), ...change }).find((v) => v.what.startsWith('event path'))!;
    assert.equal(judged({}).met, true);
    const slow = judged({
      rabbit: { messages: 1000, confirmedPerSecond: 25_000, deliveredPerSecond: 30_000 },
    });
    assert.equal(slow.met, false, '9,000/s is 36% of 25,000/s');
    assert.match(slow.measured, /^36% \(9,000 vs 25,000 events\/s\)/);
    assert.equal(judged({ rabbit: undefined }).met, false, 'no ceiling, no verdict');
  });

  test('when peaks are taken, then each service keeps its highest window', () => {
    assert.deepEqual(peakRss(report()), { broker: 120, logger: 270, listener: 80 });
  });
});

describe('rendering', () => {
  test('when a table is rendered, then columns line up and numbers align right', () => {
    const table = renderTable(
      ['name', 'n'],
      [
        ['a', '1'],
        ['long name', '100'],
      ],
      [false, true],
    );
    assert.equal(
      table,
      ['| name      |   n |', '| --------- | --: |', '| a         |   1 |', '| long name | 100 |'].join('\n'),
    );
  });

  test('when the results table is rendered, then every path shows its share of both ceilings', () => {
    const lines = resultsTable(report()).split('\n');
    const hit = lines.find((l) => l.startsWith('| POST /'))!;
    assert.match(hit, /\| +3,100 \|/);
    assert.match(hit, /\| +8% \| +62% \|/);
    assert.ok(lines.some((l) => l.includes('event path') && l.includes('9,000')));
  });

  test('when a path is judged against another row, then the verdict uses that row of the same run', () => {
    const base = report();
    const row = (id: string, rate: number, target: BenchReport['paths'][number]['target']) => ({
      id,
      label: id,
      load: load(rate),
      rssMb: {},
      cpuUsPerRequest: {},
      target,
    });
    const vsEmpty = { kind: 'vsRow', row: 'empty', atLeast: 0.9 } as const;
    const judged = (paths: BenchReport['paths']) =>
      evaluateTargets({ ...base, paths }).find((v) => v.what === 'full')!;
    const empty = row('empty', 2_000, { kind: 'ratio', ofExpress: 0.6 });
    assert.equal(judged([empty, row('full', 1_900, vsEmpty)]).met, true);
    assert.equal(judged([empty, row('full', 1_700, vsEmpty)]).met, false);
    assert.match(judged([empty, row('full', 1_700, vsEmpty)]).measured, /^85% \(1,700\/s vs 2,000\/s\)/);
    const missing = judged([row('full', 1_900, vsEmpty)]);
    assert.equal(missing.met, false);
    assert.match(missing.measured, /not measured/);
  });

  test('when the CPU table is rendered, then each path shows its processes and their sum', () => {
    const lines = cpuTable(report()).split('\n');
    assert.match(lines.find((l) => l.startsWith('| ceiling: Express 5'))!, /\| +190 \|$/);
    assert.match(lines.find((l) => l.startsWith('| POST /'))!, /\| +250 \|.*\| +0 \| +250 \|$/);
  });

  test('when a date becomes a file name, then it has no colons', () => {
    assert.equal(fileStamp('2026-11-25T10:22:33.123Z'), '2026-11-25T10-22-33Z');
  });
});

describe('parsers', () => {
  test('when autocannon prints its JSON, then errors add non-2xx and socket errors', () => {
    const json = JSON.stringify({
      requests: { average: 1234.5, total: 6172 },
      latency: { p50: 3, p99: 12 },
      non2xx: 2,
      errors: 1,
      timeouts: 1,
      '2xx': 6169,
      duration: 5,
    });
    assert.deepEqual(parseAutocannonOutput(`noise\n${json}\n`), {
      requestsPerSecond: 1234.5,
      total: 6172,
      p50Ms: 3,
      p99Ms: 12,
      non2xx: 2,
      socketErrors: 1,
      errors: 3,
    });
  });

  test('when a body is given, then autocannon posts it as JSON and warms up first', () => {
    const args = autocannonArgs({
      url: 'http://x/',
      method: 'POST',
      body: { a: 1 },
      connections: 50,
      durationSeconds: 5,
      warmupSeconds: 1,
    });
    assert.deepEqual(args.slice(-10), ['-b', '{"a":1}', '-W', '[', '-c', '50', '-d', '1', ']', 'http://x/']);
  });

  test('when /proc stat is read, then user and system ticks come back as ms, whatever the command name', () => {
    const stat = '1234 (node (x) y) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 11 0';
    assert.equal(parseProcStat(stat), 3250);
    assert.equal(parseProcStat('garbage'), undefined);
  });

  test('when /proc status is read, then VmRSS and VmHWM come back in MB', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    assert.deepEqual(parseProcStatus(status), { rssMb: 100, hwmMb: 200 });
    assert.equal(parseProcStatus('Name:\tkthreadd\n'), undefined);
  });

  test('when a counter has label sets, then they are summed', () => {
    const text =
      '# HELP x\nlistener_events_stored_total 7\nother_total 3\nlistener_events_stored_total{a="b"} 2\n';
    assert.equal(readCounter(text, 'listener_events_stored_total'), 9);
  });
});
