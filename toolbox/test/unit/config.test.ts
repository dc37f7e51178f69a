import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ConfigError, env, isLoopbackHost, isSecretSetting, loadConfig } from '../../src/config.js';

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

  test('when a secret is rejected, then the message names the variable and the rule but never the value', () => {
    const secrets = z.object({
      SEED_PASSWORD: z.string().min(8),
      API_TOKEN: z.enum(['one', 'two']),
      SIGNING_KEY: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex digits'),
      DATABASE_URL: env.url(),
      BROKER_URL: env.url(),
    });
    assert.throws(
      () =>
        loadConfig(secrets, {
          SEED_PASSWORD: 'hunter2',
          // zod's own enum message quotes what it received.
          API_TOKEN: 'hunter2-token',
          SIGNING_KEY: 'hunter2-key',
          // Not a URL (the port is not a number), and it carries a password.
          DATABASE_URL: 'postgres://app:hunter2-db@db:port/users',
          BROKER_URL: 'not a url',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 5);
        assert.doesNotMatch(err.message, /hunter2/);
        assert.match(err.message, /SEED_PASSWORD is invalid: .*at least 8.* \(the value is not shown\)/);
        assert.match(err.message, /API_TOKEN is invalid: .*'one' \| 'two'.*\[hidden\]/);
        assert.match(err.message, /SIGNING_KEY is invalid: expected 64 hex digits/);
        assert.match(err.message, /DATABASE_URL is invalid: Invalid url \(the value is not shown\)/);
        // A value that is no secret is still shown: it is what the operator has to find.
        assert.match(err.message, /BROKER_URL="not a url" is invalid/);
        return true;
      },
    );
  });

  test('when a value names a secret only by being a URL with credentials, then it is hidden too', () => {
    assert.equal(isSecretSetting('MONGO_URL', 'mongodb://logger:pw@mongo:27017/logs'), true);
    assert.equal(isSecretSetting('RABBIT_URL', 'amqp://token@rabbitmq'), true);
    assert.equal(isSecretSetting('MONGO_URL', 'mongodb://mongo:27017/logs'), false);
    assert.equal(isSecretSetting('MAIL_PASSWORD', 'x'), true);
    assert.equal(isSecretSetting('PORT', '80'), false);
  });

  test('when BIND_HOST names this machine only, then it counts as loopback; an interface or every one does not', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost', 'LOCALHOST']) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of [undefined, '0.0.0.0', '::', '10.1.2.3', 'example.com', '127.0.0.1.example.com']) {
      assert.equal(isLoopbackHost(host), false, String(host));
    }
    const bind = z.object({ BIND_HOST: env.bindHost() });
    assert.equal(loadConfig(bind, {}).BIND_HOST, undefined, 'unset: every interface');
    assert.equal(loadConfig(bind, { BIND_HOST: '127.0.0.1' }).BIND_HOST, '127.0.0.1');
    assert.throws(() => loadConfig(bind, { BIND_HOST: 'http://x' }), /BIND_HOST="http:\/\/x" is invalid/);
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

  test('when a service stops on a rejected password, then its output names the variable and not the password', () => {
    const script = `
      import { runMain, loadConfig } from './src/index.ts';
      import { z } from 'zod';
      runMain('demo-service', async () => loadConfig(z.object({ SEED_PASSWORD: z.string().min(8) })));
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, SEED_PASSWORD: 'hunter2' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /SEED_PASSWORD is invalid: .*at least 8/);
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
  });
});
