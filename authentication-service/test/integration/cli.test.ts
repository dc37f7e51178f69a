import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createDatabase } from '../../src/db/database.js';
import { createPasswordHasher } from '../../src/users/passwords.js';
import { DEMO_USER, PUBLISHED_PASSWORDS } from '../../src/users/public-credentials.js';
import { createUserStore } from '../../src/users/store.js';
import { CLI, dropDatabase, logger, type Run, runCli, testDatabase } from './support.js';

/**
 * Runs the built CLI on a pseudo-terminal (util-linux `script`), typing each answer only once its
 * prompt has appeared; returns everything the terminal showed.
 */
function runCliOnTerminal(databaseUrl: string, args: string[], answers: [string, string][]): Promise<Run> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, BCRYPT_COST: '10' },
      timeout: 20_000,
    });
    let screen = '';
    let stderr = '';
    const pending = [...answers];
    child.stdout.on('data', (chunk) => {
      screen += chunk;
      const next = pending[0];
      if (next && screen.includes(next[0])) {
        pending.shift();
        child.stdin.write(`${next[1]}\r`);
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: screen, stderr }));
  });
}

async function storedUser(databaseUrl: string, email: string) {
  const db = createDatabase({ url: databaseUrl, logger, statementTimeoutMs: 2000, max: 1 });
  try {
    return await createUserStore(db).findByEmail(email);
  } finally {
    await db.close();
  }
}

async function passwordVerifies(databaseUrl: string, email: string, password: string): Promise<boolean> {
  const user = await storedUser(databaseUrl, email);
  assert.ok(user, `${email} is not stored`);
  return (await createPasswordHasher(4)).verify(password, user.passwordHash);
}

describe('user CLI (the built program)', () => {
  const database = testDatabase();
  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
  });
  after(() => dropDatabase(database.name));

  test('when a user is added with the password on standard input, then it is listed and the password verifies', async () => {
    const added = await runCli(
      database.url,
      ['add', '--email', 'Cli@Example.com', '--first-name', 'Cli', '--last-name', 'User'],
      'first-pass\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added user \d+ cli@example\.com\n/);
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'first-pass'), true);

    const list = await runCli(database.url, ['list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /\tcli@example\.com\tCli User\tactive\tuser\t/);
    assert.doesNotMatch(list.stdout, /\$2[aby]\$/);
  });

  test('when --password is given, then the CLI refuses it, says why, and changes nothing', async () => {
    for (const args of [
      ['reset-password', '--email', 'cli@example.com', '--password', 'leaked-pass'],
      ['reset-password', '--email', 'cli@example.com', '--password=leaked-pass'],
      [
        'add',
        '--email',
        'new@example.com',
        '--password',
        'leaked-pass',
        '--first-name',
        'N',
        '--last-name',
        'U',
      ],
    ]) {
      const run = await runCli(database.url, args, 'from-stdin-pass\n');
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /--password is not accepted: a password on the command line is visible in ps/);
    }
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'first-pass'), true);
    assert.equal(await storedUser(database.url, 'new@example.com'), undefined);
  });

  test('when a password is reset from standard input, then only the new one verifies', async () => {
    const run = await runCli(
      database.url,
      ['reset-password', '--email', 'cli@example.com'],
      'second-pass\r\n',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'second-pass'), true);
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'first-pass'), false);
  });

  test('when a password is typed at the terminal prompt, then it is not echoed and it is stored', async () => {
    const run = await runCliOnTerminal(
      database.url,
      ['reset-password', '--email', 'cli@example.com'],
      [
        ['New password: ', 'typed-secret-1'],
        ['Repeat the password: ', 'typed-secret-1'],
      ],
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /password reset for cli@example\.com/);
    assert.doesNotMatch(run.stdout, /typed-secret/, 'the terminal showed the password');
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'typed-secret-1'), true);
  });

  test('when the two typed passwords differ, then nothing changes', async () => {
    const run = await runCliOnTerminal(
      database.url,
      ['reset-password', '--email', 'cli@example.com'],
      [
        ['New password: ', 'typed-secret-2'],
        ['Repeat the password: ', 'typed-secret-3'],
      ],
    );
    assert.equal(run.code, 2);
    assert.match(run.stdout, /the two passwords differ/);
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'typed-secret-1'), true);
  });

  test('when standard input is empty or the password too short, then the CLI refuses and changes nothing', async () => {
    const empty = await runCli(database.url, ['reset-password', '--email', 'cli@example.com'], '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no password on standard input/);
    const short = await runCli(database.url, ['reset-password', '--email', 'cli@example.com'], 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /password: must be at least 8 characters/);
    assert.equal(await passwordVerifies(database.url, 'cli@example.com', 'typed-secret-1'), true);
  });

  test('when the same email is added again in another case, then it fails with a clear message', async () => {
    const run = await runCli(
      database.url,
      ['add', '--email', 'CLI@example.com', '--first-name', 'A', '--last-name', 'B'],
      'other-pass\n',
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /already exists/);
  });

  test('when the admin right is granted and revoked, then the stored user and the list follow', async () => {
    const granted = await runCli(database.url, ['grant-admin', '--email', 'CLI@example.com']);
    assert.equal(granted.code, 0, granted.stderr);
    assert.match(granted.stdout, /is now an administrator/);
    assert.equal((await storedUser(database.url, 'cli@example.com'))?.admin, true);
    assert.match(
      (await runCli(database.url, ['list'])).stdout,
      /\tcli@example\.com\tCli User\tactive\tadmin\t/,
    );

    const revoked = await runCli(database.url, ['revoke-admin', '--email', 'cli@example.com']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await storedUser(database.url, 'cli@example.com'))?.admin, false);

    const ghost = await runCli(database.url, ['grant-admin', '--email', 'ghost@example.com']);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /no user with email ghost@example\.com/);
  });

  test('when an inactive administrator is added, then the list says so', async () => {
    const run = await runCli(
      database.url,
      [
        'add',
        '--email',
        'off@example.com',
        '--first-name',
        'Off',
        '--last-name',
        'Line',
        '--inactive',
        '--admin',
      ],
      'off-password\n',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /off@example\.com \(inactive\) \(admin\)/);
    assert.match(
      (await runCli(database.url, ['list'])).stdout,
      /off@example\.com\tOff Line\tinactive\tadmin\t/,
    );
  });

  test('when the command or options are wrong, then usage is printed and the exit code is 2', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['add', '--email', 'a@example.com'],
      ['reset-password', '--bogus'],
    ]) {
      const run = await runCli(database.url, args, 'some-password\n');
      assert.equal(run.code, 2, `${args.join(' ')} exited ${run.code}`);
      assert.match(run.stderr, /Usage:/);
    }
  });

  test("when the page's demo user is to become an administrator, then the CLI refuses and changes nothing", async () => {
    // The demo user is seeded by the service; the CLI alone adds it as the page has it.
    const added = await runCli(
      database.url,
      ['add', '--email', DEMO_USER.email, '--first-name', 'Demo', '--last-name', 'User'],
      `${DEMO_USER.password}\n`,
    );
    assert.equal(added.code, 0, added.stderr);
    for (const args of [
      ['grant-admin', '--email', 'Demo@Example.com'],
      ['add', '--email', DEMO_USER.email, '--first-name', 'D', '--last-name', 'U', '--admin'],
    ]) {
      const run = await runCli(database.url, args, 'some-other-password\n');
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /demo user, whose password is public: it cannot be an administrator/);
    }
    assert.equal((await storedUser(database.url, DEMO_USER.email))?.admin, false);
  });

  test('when an administrator is to get a published password outside local development, then the CLI refuses', async () => {
    for (const published of PUBLISHED_PASSWORDS) {
      const reset = await runCli(
        database.url,
        ['reset-password', '--email', 'off@example.com'],
        `${published}\n`,
      );
      assert.equal(reset.code, 1, reset.stderr);
      assert.match(
        reset.stderr,
        /off@example\.com is an administrator: the password is a password published/,
      );
      assert.doesNotMatch(reset.stderr, new RegExp(published));
      const add = await runCli(
        database.url,
        ['add', '--email', 'boss@example.com', '--first-name', 'B', '--last-name', 'S', '--admin'],
        `${published}\n`,
      );
      assert.equal(add.code, 1, add.stderr);
      assert.match(add.stderr, /published in this repository/);
    }
    assert.equal(await passwordVerifies(database.url, 'off@example.com', 'off-password'), true);
    assert.equal(await storedUser(database.url, 'boss@example.com'), undefined);

    // An ordinary user may keep one, but then cannot be made an administrator.
    const plain = await runCli(
      database.url,
      ['add', '--email', 'plain@example.com', '--first-name', 'P', '--last-name', 'U'],
      'verysecret\n',
    );
    assert.equal(plain.code, 0, plain.stderr);
    const grant = await runCli(database.url, ['grant-admin', '--email', 'plain@example.com']);
    assert.equal(grant.code, 1);
    assert.match(grant.stderr, /has a password published in this repository: give it another one/);
    assert.equal((await storedUser(database.url, 'plain@example.com'))?.admin, false);

    // In local development (BIND_HOST on loopback, as make run) the published one is accepted.
    const local = await runCli(database.url, ['grant-admin', '--email', 'plain@example.com'], '', {
      BIND_HOST: '127.0.0.1',
    });
    assert.equal(local.code, 0, local.stderr);
  });

  test('when resetting the password of an unknown email, then it fails', async () => {
    const run = await runCli(database.url, ['reset-password', '--email', 'ghost@example.com'], 'whatever1\n');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no user with email ghost@example\.com/);
  });
});
