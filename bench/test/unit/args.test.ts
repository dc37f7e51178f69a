import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, parseArgs, UsageError } from '../../src/args.js';
import { BROKER_PATHS, selectPaths } from '../../src/paths.js';

describe('parseArgs', () => {
  test('when no flags are given, then the defaults apply', () => {
    assert.deepEqual(parseArgs([]), DEFAULTS);
  });

  test('when --quick is given, then durations and event counts shrink', () => {
    const options = parseArgs(['--quick']);
    assert.equal(options.quick, true);
    assert.ok(options.durationSeconds < DEFAULTS.durationSeconds);
    assert.ok(options.events < DEFAULTS.events);
    assert.equal(options.connections, 50);
  });

  test('when --quick comes with explicit flags, then the explicit values win wherever they are', () => {
    const options = parseArgs(['--duration', '3', '--quick', '--events=500', '--only', 'hit, log-rpc']);
    assert.equal(options.durationSeconds, 3);
    assert.equal(options.events, 500);
    assert.deepEqual(options.only, ['hit', 'log-rpc']);
  });

  test('when a number is malformed or a flag unknown, then a usage error names it', () => {
    assert.throws(
      () => parseArgs(['--connections', '2.5']),
      (err) => err instanceof UsageError && /--connections/.test(err.message),
    );
    assert.throws(() => parseArgs(['--duration']), UsageError);
    assert.throws(
      () => parseArgs(['--fast']),
      (err) => err instanceof UsageError && /--fast/.test(err.message),
    );
  });

  test('when --profile names a directory, then it is kept', () => {
    assert.equal(parseArgs(['--profile', '/tmp/p']).profileDir, '/tmp/p');
    assert.equal(parseArgs([]).profileDir, undefined);
  });

  test('when --warmup is 0, then warm-up is off', () => {
    assert.equal(parseArgs(['--warmup', '0']).warmupSeconds, 0);
  });

  test('when --memory-limit is given, then heaps are sized for that container, and 0 sizes them by the machine', () => {
    assert.equal(parseArgs([]).memoryLimitMb, 256);
    assert.equal(parseArgs(['--memory-limit', '512']).memoryLimitMb, 512);
    assert.equal(parseArgs(['--memory-limit=0']).memoryLimitMb, 0);
    assert.throws(() => parseArgs(['--memory-limit', '-1']), UsageError);
  });
});

describe('targets', () => {
  test('when the paths are listed, then each carries the performance targets as shares of its ceiling', () => {
    const targets = Object.fromEntries(BROKER_PATHS.map((p) => [p.id, p.target]));
    const ofExpress = (id: string) => {
      const target = targets[id];
      return target?.kind === 'ratio' ? target.ofExpress : undefined;
    };
    assert.deepEqual(
      ['hit', 'log-rpc', 'log-grpc', 'log-http', 'log-rabbitmq', 'log-grpc-route', 'mail'].map(ofExpress),
      [0.25, 0.6, 0.4, 0.4, 0.35, 0.4, 0.25],
    );
    assert.deepEqual(targets.auth, { kind: 'bcrypt', fraction: 0.9 });
  });
});

describe('selectPaths', () => {
  test('when an unknown id is asked for, then the error lists the known ones', () => {
    assert.throws(() => selectPaths(['nope']), /known: hit, auth/);
  });
});
