import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { capturingLogger } from '@suite/test-kit';
import { readConfig } from '../../src/config.js';
import { DEMO_USER, PUBLISHED_PASSWORDS } from '../../src/users/public-credentials.js';
import {
  dropDatabase,
  type RunningService,
  readBody,
  runCli,
  SEED,
  startService,
  testDatabase,
} from './support.js';

/** What a container gives the service: every interface (no BIND_HOST), so not local development. */
const DEPLOYED = { BIND_HOST: '', SEED_PASSWORD: '', BCRYPT_COST: '4' };

async function loginStatus(service: RunningService, email: string, password: string): Promise<number> {
  return (await service.post('/authenticate', { email, password })).status;
}

/** Starts the service on `url` with `env`, runs `check`, and stops it again: one restart of a deployment. */
async function withService<T>(
  url: string,
  env: Record<string, string>,
  check: (service: RunningService) => Promise<T>,
  logger = capturingLogger('info').logger,
): Promise<T> {
  const service = await startService(url, env, { logger });
  try {
    return await check(service);
  } finally {
    await service.close();
  }
}

describe('the seed administrator', () => {
  const databases: string[] = [];
  const fresh = () => {
    const database = testDatabase();
    databases.push(database.name);
    return database.url;
  };
  after(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  test('when SEED_PASSWORD changes between two starts, then the new one signs in and the old one no longer does', async () => {
    const url = fresh();
    await withService(url, { ...DEPLOYED, SEED_PASSWORD: 'first-admin-password' }, async (service) => {
      assert.equal(await loginStatus(service, SEED.email, 'first-admin-password'), 202);
    });
    await withService(url, { ...DEPLOYED, SEED_PASSWORD: 'second-admin-password' }, async (service) => {
      assert.equal(await loginStatus(service, SEED.email, 'second-admin-password'), 202);
      assert.equal(await loginStatus(service, SEED.email, 'first-admin-password'), 401);
    });
  });

  test('when the CLI resets the password, then it holds across restarts until SEED_PASSWORD itself changes', async () => {
    const url = fresh();
    const seeded = { ...DEPLOYED, SEED_PASSWORD: 'seeded-admin-password' };
    await withService(url, seeded, async () => {});
    const reset = await runCli(url, ['reset-password', '--email', SEED.email], 'reset-by-the-cli\n');
    assert.equal(reset.code, 0, reset.stderr);

    await withService(url, seeded, async (service) => {
      assert.equal(await loginStatus(service, SEED.email, 'reset-by-the-cli'), 202);
      assert.equal(await loginStatus(service, SEED.email, 'seeded-admin-password'), 401);
    });
    await withService(url, { ...DEPLOYED, SEED_PASSWORD: 'rotated-admin-password' }, async (service) => {
      assert.equal(await loginStatus(service, SEED.email, 'rotated-admin-password'), 202);
      assert.equal(await loginStatus(service, SEED.email, 'reset-by-the-cli'), 401);
    });
  });

  test('when SEED_PASSWORD is not set outside local development, then the administrator gets a random password, said without it', async () => {
    const url = fresh();
    const captured = capturingLogger('info');
    await withService(
      url,
      DEPLOYED,
      async (service) => {
        for (const password of PUBLISHED_PASSWORDS) {
          assert.equal(await loginStatus(service, SEED.email, password), 401, password);
        }
      },
      captured.logger,
    );
    const warning = captured.lines.find((line) => /SEED_PASSWORD is not set/.test(String(line.msg)));
    assert.ok(warning, JSON.stringify(captured.lines));
    assert.match(String(warning.msg), /random password that is shown nowhere/);
  });

  test('when an administrator kept the published password from an earlier version, then a deployed start replaces it', async () => {
    const url = fresh();
    // An earlier version seeded the published default; in local development it is left alone.
    await withService(url, { BIND_HOST: '127.0.0.1', SEED_PASSWORD: SEED.password }, async () => {});
    await withService(url, { BIND_HOST: '127.0.0.1', SEED_PASSWORD: '' }, async (service) => {
      assert.equal(await loginStatus(service, SEED.email, SEED.password), 202);
    });
    await withService(url, DEPLOYED, async (service) => {
      assert.equal(await loginStatus(service, SEED.email, SEED.password), 401);
    });
  });

  test('when a published SEED_PASSWORD is given outside local development, then the configuration is refused without printing it', () => {
    for (const password of PUBLISHED_PASSWORDS) {
      assert.throws(
        () => readConfig({ SEED_PASSWORD: password }),
        (err: Error) => {
          assert.match(err.message, /SEED_PASSWORD is a password published in this repository/);
          assert.match(err.message, /only in local development \(BIND_HOST=127\.0\.0\.1\)/);
          assert.doesNotMatch(err.message, new RegExp(password));
          return true;
        },
      );
      assert.throws(() => readConfig({ SEED_PASSWORD: password, BIND_HOST: '0.0.0.0' }), /published/);
      assert.equal(readConfig({ SEED_PASSWORD: password, BIND_HOST: '127.0.0.1' }).SEED_PASSWORD, password);
    }
    assert.equal(
      readConfig({ SEED_PASSWORD: 'an-own-admin-password' }).SEED_PASSWORD,
      'an-own-admin-password',
    );
    assert.equal(readConfig({}).SEED_PASSWORD, undefined);
    assert.throws(() => readConfig({ SEED_EMAIL: 'Demo@Example.com' }), /SEED_EMAIL.*demo user/);
  });
});

describe("the page's demo user", () => {
  const database = testDatabase();
  after(() => dropDatabase(database.name));

  test('when the service starts, then the demo user signs in without the admin right', async () => {
    await withService(database.url, DEPLOYED, async (service) => {
      const res = await service.post('/authenticate', {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      });
      assert.equal(res.status, 202);
      const user = (await readBody(res)).data!;
      assert.equal(user.email, DEMO_USER.email);
      assert.equal(user.first_name, DEMO_USER.firstName);
      assert.equal(user.admin, false);
    });
  });

  test('when the demo user was given the admin right by hand, then the next start takes it away', async () => {
    await withService(database.url, DEPLOYED, async (service) => {
      await service.db.query('UPDATE users SET is_admin = true WHERE email = $1', [DEMO_USER.email]);
    });
    await withService(database.url, DEPLOYED, async (service) => {
      const res = await service.post('/authenticate', {
        email: DEMO_USER.email,
        password: DEMO_USER.password,
      });
      assert.equal((await readBody(res)).data!.admin, false);
    });
  });
});
