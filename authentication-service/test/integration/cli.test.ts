import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli.js';
import { createDatabase } from '../../src/db/database.js';
import { createPasswordHasher } from '../../src/users/passwords.js';
import { createUserStore } from '../../src/users/store.js';
import { dropDatabase, logger, testDatabase } from './support.js';

function io(databaseUrl: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      env: { DATABASE_URL: databaseUrl, BCRYPT_COST: '10' },
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
    },
  };
}

describe('user CLI', () => {
  const database = testDatabase();
  after(() => dropDatabase(database.name));

  test('when a user is added, then it is listed and its password verifies', async () => {
    const run = io(database.url);
    const code = await runCli(
      [
        'add',
        '--email',
        'Cli@Example.com',
        '--password',
        'first-pass',
        '--first-name',
        'Cli',
        '--last-name',
        'User',
      ],
      run.io,
    );
    assert.equal(code, 0, run.err.join(''));
    assert.match(run.out.join(''), /added user \d+ cli@example\.com/);

    const list = io(database.url);
    assert.equal(await runCli(['list'], list.io), 0);
    assert.match(list.out.join(''), /cli@example\.com\tCli User\tactive/);
    assert.doesNotMatch(list.out.join(''), /\$2[aby]\$/);
  });

  test('when the same email is added again in another case, then it fails with a clear message', async () => {
    const run = io(database.url);
    const code = await runCli(
      [
        'add',
        '--email',
        'CLI@example.com',
        '--password',
        'other-pass',
        '--first-name',
        'A',
        '--last-name',
        'B',
      ],
      run.io,
    );
    assert.equal(code, 1);
    assert.match(run.err.join(''), /already exists/);
  });

  test('when a password is reset, then only the new one verifies', async () => {
    const run = io(database.url);
    assert.equal(
      await runCli(['reset-password', '--email', 'cli@example.com', '--password', 'second-pass'], run.io),
      0,
    );
    const db = createDatabase({ url: database.url, logger, statementTimeoutMs: 2000 });
    try {
      const user = await createUserStore(db).findByEmail('cli@example.com');
      const hasher = await createPasswordHasher(4);
      assert.equal(await hasher.verify('second-pass', user!.passwordHash), true);
      assert.equal(await hasher.verify('first-pass', user!.passwordHash), false);
    } finally {
      await db.close();
    }
  });

  test('when an inactive user is added, then the list says so', async () => {
    const run = io(database.url);
    const args = ['add', '--email', 'off@example.com', '--password', 'off-password', '--first-name', 'Off'];
    assert.equal(await runCli([...args, '--last-name', 'Line', '--inactive'], run.io), 0, run.err.join(''));
    const list = io(database.url);
    await runCli(['list'], list.io);
    assert.match(list.out.join(''), /off@example\.com\tOff Line\tinactive/);
  });

  test('when the command or options are wrong, then usage is printed and the exit code is non-zero', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['add', '--email', 'a@example.com'],
      ['reset-password', '--bogus'],
    ]) {
      const run = io(database.url);
      const code = await runCli(argv, run.io);
      assert.notEqual(code, 0, `${argv.join(' ')} exited 0`);
      assert.match(run.err.join(''), /Usage:/);
    }
  });

  test('when the CLI file is run as a program, then it runs the command', async () => {
    // The same entry point `npm run user` starts (node dist/cli.js), here from source through tsx.
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'list'], {
      env: { ...process.env, DATABASE_URL: database.url },
      timeout: 20_000,
    });
    assert.match(stdout, /\tcli@example\.com\tCli User\tactive\t/);
  });

  test('when resetting the password of an unknown email, then it fails', async () => {
    const run = io(database.url);
    assert.equal(
      await runCli(['reset-password', '--email', 'ghost@example.com', '--password', 'whatever1'], run.io),
      1,
    );
    assert.match(run.err.join(''), /no user with email ghost@example\.com/);
  });
});
