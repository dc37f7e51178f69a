import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import bcrypt from 'bcrypt';
import {
  adminQuery,
  dropDatabase,
  foreignHashes,
  hashPassword,
  type RunningService,
  readBody,
  SEED,
  startService,
  testDatabase,
} from './support.js';

describe('POST /authenticate', () => {
  const database = testDatabase();
  let service: RunningService;

  before(async () => {
    service = await startService(database.url);
  });
  after(async () => {
    await service?.close();
    await dropDatabase(database.name);
  });

  test('when the seed user logs in with the right password, then 202 with the user and no hash', async () => {
    const res = await service.post('/authenticate', { email: SEED.email, password: SEED.password });
    assert.equal(res.status, 202);
    const body = await readBody(res);
    assert.equal(body.error, false);
    assert.equal(body.message, `Logged in user ${SEED.email}`);
    assert.deepEqual(Object.keys(body.data!).sort(), [
      'active',
      'admin',
      'created_at',
      'email',
      'first_name',
      'id',
      'last_name',
      'updated_at',
    ]);
    assert.equal(body.data!.first_name, 'Admin');
    assert.equal(body.data!.last_name, 'User');
    assert.equal(body.data!.active, true);
    assert.equal(body.data!.admin, true, 'the seed user is an administrator');
    assert.doesNotMatch(JSON.stringify(body), /\$2[aby]\$/);
  });

  test('when the password is wrong, then 401 invalid credentials', async () => {
    const res = await service.post('/authenticate', { email: SEED.email, password: 'not-the-password' });
    assert.equal(res.status, 401);
    assert.deepEqual(await readBody(res), { error: true, message: 'invalid credentials' });
  });

  test('when the email is unknown, then the same 401 as a wrong password', async () => {
    const res = await service.post('/authenticate', { email: 'nobody@example.com', password: SEED.password });
    assert.equal(res.status, 401);
    assert.deepEqual(await readBody(res), { error: true, message: 'invalid credentials' });
  });

  test('when the user is inactive, then the right password still gives 401', async () => {
    const hash = await hashPassword('inactive-pass');
    await service.db.query(
      `INSERT INTO users (email, first_name, last_name, password, user_active) VALUES ($1, 'In', 'Active', $2, false)`,
      ['inactive@example.com', hash],
    );
    const res = await service.post('/authenticate', {
      email: 'inactive@example.com',
      password: 'inactive-pass',
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await readBody(res), { error: true, message: 'invalid credentials' });
  });

  test('when the email differs in case and has spaces, then it still matches the user', async () => {
    const res = await service.post('/authenticate', {
      email: '  Admin@EXAMPLE.com ',
      password: SEED.password,
    });
    assert.equal(res.status, 202);
    assert.equal((await readBody(res)).data!.email, SEED.email);
  });

  test('when fields are missing, then 400 naming them', async () => {
    const res = await service.post('/authenticate', {});
    assert.equal(res.status, 400);
    const body = await readBody(res);
    assert.equal(body.error, true);
    assert.match(body.message, /email/);
    assert.match(body.message, /password/);
  });

  test('when the email is a number, then 400 naming the field', async () => {
    const res = await service.post('/authenticate', { email: 42, password: SEED.password });
    assert.equal(res.status, 400);
    assert.match((await readBody(res)).message, /email: must be a string/);
  });

  test('when the email is longer than the shared limit of 254 characters, then 400 as the broker would say', async () => {
    const res = await service.post('/authenticate', {
      email: `${'a'.repeat(250)}@example.com`,
      password: 'x',
    });
    assert.equal(res.status, 400);
    assert.match((await readBody(res)).message, /email: must be at most 254 characters/);
  });

  test('when the password is longer than 72 bytes, then 400', async () => {
    const res = await service.post('/authenticate', { email: SEED.email, password: 'é'.repeat(37) });
    assert.equal(res.status, 400);
    assert.match((await readBody(res)).message, /72 bytes/);
  });

  test('when the JSON is malformed, then 400 malformed JSON', async () => {
    const res = await service.post('/authenticate', '{"email": "admin@example.com",');
    assert.equal(res.status, 400);
    const body = await readBody(res);
    assert.equal(body.error, true);
    assert.match(body.message, /malformed JSON/);
  });

  test('when the content type is not JSON, then 400 asking for JSON', async () => {
    const res = await fetch(`${service.baseUrl}/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: SEED.email, password: SEED.password }),
    });
    assert.equal(res.status, 400);
    assert.match((await readBody(res)).message, /application\/json/);
  });

  test('when the body is larger than the limit, then 413 with an envelope', async () => {
    const res = await service.post('/authenticate', { email: SEED.email, password: 'x'.repeat(20_000) });
    assert.equal(res.status, 413);
    const body = await readBody(res);
    assert.equal(body.error, true);
    assert.match(body.message, /too large \(limit 10240 bytes\)/);
  });

  test('when the email carries SQL metacharacters, then they are plain data and the table is intact', async () => {
    const before = await service.db.query<{ n: string }>('SELECT count(*) AS n FROM users');
    for (const email of [
      "' OR 1=1 --",
      "admin@example.com' OR '1'='1",
      "x@example.com'; DROP TABLE users; --",
    ]) {
      const res = await service.post('/authenticate', { email, password: 'anything' });
      assert.equal(res.status, 400, email);
      assert.match((await readBody(res)).message, /^email: /);
    }
    // A quote is legal in an address, so this one reaches the query and must match nothing.
    const quoted = await service.post('/authenticate', {
      email: "admin'--@example.com",
      password: 'anything',
    });
    assert.equal(quoted.status, 401);
    const afterRows = await service.db.query<{ n: string }>('SELECT count(*) AS n FROM users');
    assert.equal(afterRows[0]!.n, before[0]!.n);
  });

  test('when an address with a quote is registered, then that user logs in with it', async () => {
    await service.db.query(
      `INSERT INTO users (email, first_name, last_name, password) VALUES ($1, 'O', 'Brien', $2)`,
      ["o'brien@example.com", await hashPassword('brien-password')],
    );
    const res = await service.post('/authenticate', {
      email: "O'Brien@example.com",
      password: 'brien-password',
    });
    assert.equal(res.status, 202);
    const user = (await readBody(res)).data!;
    assert.equal(user.email, "o'brien@example.com");
    assert.equal(user.admin, false, 'a user is not an administrator unless granted');
  });

  test('when hashes made by htpasswd and mkpasswd are stored, then their users log in', async () => {
    const { htpasswd, mkpasswd, password } = foreignHashes();
    for (const [email, hash] of [
      ['Legacy.Apache@Example.com', htpasswd],
      ['Legacy.Xcrypt@Example.com', mkpasswd],
    ] as const) {
      await adminQuery(
        `INSERT INTO users (email, first_name, last_name, password) VALUES ($1, 'Leg', 'Acy', $2)`,
        [email, hash],
        database.name,
      );
      const res = await service.post('/authenticate', { email: email.toLowerCase(), password });
      assert.equal(res.status, 202, `${hash} did not verify`);
      assert.equal((await readBody(res)).data!.email, email);
    }
  });

  test('when a user whose hash has cost 12 logs in once, then the stored hash becomes the configured cost 10 and still verifies', async () => {
    const { htpasswd, mkpasswd, password } = foreignHashes();
    for (const [email, hash] of [
      ['rehash.apache@example.com', htpasswd],
      ['rehash.xcrypt@example.com', mkpasswd],
    ] as const) {
      await service.db.query(
        `INSERT INTO users (email, first_name, last_name, password) VALUES ($1, 'Re', 'Hash', $2)`,
        [email, hash],
      );
      assert.equal((await service.post('/authenticate', { email, password })).status, 202);
      const [row] = await service.db.query<{ password: string }>(
        'SELECT password FROM users WHERE email = $1',
        [email],
      );
      assert.match(row!.password, /^\$2b\$10\$.{53}$/, `${hash} was not re-hashed`);
      assert.equal(await bcrypt.compare(password, row!.password), true);
      assert.equal((await service.post('/authenticate', { email, password })).status, 202);
    }
  });

  test('when a login fails, then the stored hash is left as it is', async () => {
    const { htpasswd } = foreignHashes();
    await service.db.query(
      `INSERT INTO users (email, first_name, last_name, password) VALUES ('kept@example.com', 'Ke', 'Pt', $1)`,
      [htpasswd],
    );
    assert.equal(
      (await service.post('/authenticate', { email: 'kept@example.com', password: 'wrong' })).status,
      401,
    );
    const [row] = await service.db.query<{ password: string }>(
      "SELECT password FROM users WHERE email = 'kept@example.com'",
    );
    assert.equal(row!.password, htpasswd);
  });

  test('when /readyz is asked, then it reports the database', async () => {
    const res = await fetch(`${service.baseUrl}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual((await readBody(res)).data, { db: 'ok' });
  });
});
