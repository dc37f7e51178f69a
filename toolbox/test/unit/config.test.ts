import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from '../../src/config.js';

const schema = z.object({
  PORT: env.port(8080),
  DATABASE_URL: env.url(),
  LOGGER_RPC_ADDR: env.hostPort('127.0.0.1:5001'),
  CORS_ORIGINS: env.list('http://a,http://b'),
});

describe('loadConfig', () => {
  test('when every variable is valid or defaulted, then typed values come back', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://x@h:5432/db',
      PORT: '9000',
    });
    assert.deepEqual(config, {
      PORT: 9000,
      DATABASE_URL: 'postgres://x@h:5432/db',
      LOGGER_RPC_ADDR: '127.0.0.1:5001',
      CORS_ORIGINS: ['http://a', 'http://b'],
    });
  });

  test('when several variables are missing or malformed, then one error names each of them', () => {
    assert.throws(
      () => loadConfig(schema, { PORT: 'eighty', LOGGER_RPC_ADDR: 'nocolon' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 3);
        assert.match(err.message, /PORT="eighty" is invalid/);
        assert.match(err.message, /DATABASE_URL is required but not set/);
        assert.match(err.message, /LOGGER_RPC_ADDR="nocolon" is invalid: expected host:port/);
        return true;
      },
    );
  });

  test('when TRUSTED_PROXIES lists addresses and ranges, then they parse; when an entry is neither, then it is named', () => {
    const proxies = z.object({ TRUSTED_PROXIES: env.trustedProxies('127.0.0.1,::1') });
    assert.equal(loadConfig(proxies, {}).TRUSTED_PROXIES.has('::1'), true);
    assert.equal(loadConfig(proxies, { TRUSTED_PROXIES: 'none' }).TRUSTED_PROXIES.has('::1'), false);
    assert.equal(
      loadConfig(proxies, { TRUSTED_PROXIES: '10.0.0.0/8' }).TRUSTED_PROXIES.has('10.2.3.4'),
      true,
    );
    assert.throws(
      () => loadConfig(proxies, { TRUSTED_PROXIES: '10.0.0.0/8, caddy' }),
      /TRUSTED_PROXIES="10.0.0.0\/8, caddy" is invalid: not an IP address or CIDR range: "caddy"/,
    );
  });

  test('when a variable is set but empty, then its default applies', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'http://x', PORT: '' });
    assert.equal(config.PORT, 8080);
  });

  test('when a service starts with bad configuration, then it exits 1 with one line naming the variable', () => {
    const script = `
      import { runMain, loadConfig, env } from './src/index.ts';
      import { z } from 'zod';
      runMain('demo-service', async () => loadConfig(z.object({ PORT: env.port(1) })));
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, PORT: '70000' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^demo-service: invalid configuration:\n {2}- PORT="70000" is invalid/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
});
