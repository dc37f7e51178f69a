import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { WebClient } from '@suite/test-kit';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/auth-server.js';
import { serviceOnTestMongo } from '../support/service.js';

const XSS = '<script>alert(1)</script>';

const decodeEntities = (html: string) =>
  html.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

describe('admin UI', () => {
  const env = serviceOnTestMongo();
  beforeEach(async () => {
    await env.mongo.db.collection(LOGS_COLLECTION).deleteMany({});
  });

  async function signedIn(): Promise<WebClient> {
    const web = env.service.web();
    const { response } = await web.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin/dashboard');
    return web;
  }

  /** Entry i is i seconds newer than entry 0; they are inserted newest first, so only a sort on created_at lists them newest first. */
  async function seed(count: number, name = 'seeded', data = (i: number) => `entry ${i}`) {
    const base = Date.now() - count * 1000;
    const docs = Array.from({ length: count }, (_, i) => {
      const at = new Date(base + i * 1000);
      return { name, data: data(i), created_at: at, updated_at: at };
    }).reverse();
    const result = await env.mongo.db.collection(LOGS_COLLECTION).insertMany(docs);
    return Object.values(result.insertedIds)
      .map((id) => id.toHexString())
      .reverse();
  }

  test('when any /admin route is requested without a session, then it redirects to /login and changes nothing', async () => {
    const [id] = await seed(1);
    const before = await env.mongo.db.collection(LOGS_COLLECTION).findOne({});
    const web = env.service.web();
    const csrf = WebClient.csrfFrom((await web.get('/login')).body);
    const requests: Array<[string, string]> = [
      ['GET', '/admin'],
      ['GET', '/admin/dashboard'],
      ['GET', `/admin/log-entry/${id}`],
      ['GET', '/admin/no-such-page'],
      ['POST', '/admin/delete-all'],
      ['POST', `/admin/log-entry/${id}/touch`],
    ];
    for (const [method, path] of requests) {
      const response =
        method === 'GET' ? await web.get(path) : await web.postForm(path, { _csrf: csrf, confirm: 'yes' });
      assert.equal(response.status, 302, `${method} ${path}`);
      assert.equal(response.headers.get('location'), '/login', `${method} ${path}`);
    }
    const after = await env.mongo.db.collection(LOGS_COLLECTION).findOne({});
    assert.deepEqual(after, before, 'an unauthenticated request changed the entry');
  });

  test('when the password is wrong, then the login page shows invalid credentials', async () => {
    const web = env.service.web();
    const page = await web.get('/login');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const response = await web.postForm('/login', {
      _csrf: WebClient.csrfFrom(page.body),
      email: ADMIN_EMAIL,
      password: 'wrong',
    });
    assert.equal(response.status, 401);
    assert.match(response.body, /Invalid credentials/i);
    assert.equal((await web.get('/admin/dashboard')).status, 302);
  });

  test('when the login form has no CSRF token, then it is refused with 403', async () => {
    const web = env.service.web();
    await web.get('/login');
    const response = await web.postForm('/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    assert.equal(response.status, 403);
  });

  test('when the right credentials are given, then the dashboard shows the total count', async () => {
    await seed(3);
    const web = await signedIn();
    const dashboard = await web.get('/admin/dashboard');
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.body, /<strong>3<\/strong> entries/);
    assert.match(dashboard.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  test('when the cookies are inspected, then they are httpOnly and SameSite=Lax, and not Secure over plain HTTP', async () => {
    const { page, response } = await env.service.web().signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const cookies = [...page.headers.getSetCookie(), ...response.headers.getSetCookie()];
    for (const name of ['logger_login', 'logger_admin']) {
      const cookie = cookies.find((c) => c.startsWith(`${name}=`) && !/expires=Thu, 01 Jan 1970/i.test(c));
      assert.ok(cookie, `no ${name} cookie`);
      assert.match(cookie, /httponly/i);
      assert.match(cookie, /samesite=lax/i);
      assert.doesNotMatch(cookie, /;\s*secure/i);
    }
  });

  test('when delete-all is posted without or with a wrong token, then it is 403 and the entries stay', async () => {
    await seed(2);
    const web = await signedIn();
    assert.equal((await web.postForm('/admin/delete-all', {})).status, 403);
    assert.equal((await web.postForm('/admin/delete-all', { _csrf: 'forged' })).status, 403);
    assert.equal(await env.mongo.db.collection(LOGS_COLLECTION).countDocuments({}), 2);
  });

  test('when delete-all is posted with the token, then every entry is deleted', async () => {
    await seed(2);
    const web = await signedIn();
    const dashboard = await web.get('/admin/dashboard');
    const response = await web.postForm('/admin/delete-all', {
      _csrf: WebClient.csrfFrom(dashboard.body),
      confirm: 'yes',
    });
    assert.equal(response.status, 303);
    assert.equal(await env.mongo.db.collection(LOGS_COLLECTION).countDocuments({}), 0);
    assert.match((await web.get('/admin/dashboard')).body, /Deleted 2 entries/);
  });

  test('when data holds a script tag, then the dashboard and the entry page show it escaped', async () => {
    const [id] = await seed(1, XSS, () => XSS);
    const web = await signedIn();
    for (const path of ['/admin/dashboard', `/admin/log-entry/${id}`]) {
      const page = await web.get(path);
      assert.equal(page.status, 200, path);
      assert.equal(page.body.includes(XSS), false, `${path} contains the raw script tag`);
      assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;&#x2F;script&gt;/, path);
    }
  });

  test('when there are 45 entries, then they span 3 pages of 20, newest first', async () => {
    await seed(45, 'paged', (i) => `entry-${String(i).padStart(2, '0')}`);
    const web = await signedIn();
    const rowsOf = (html: string) =>
      [...html.matchAll(/<td class="data">(entry-\d\d)<\/td>/g)].map((m) => m[1]);
    const first = await web.get('/admin/dashboard');
    assert.match(first.body, /page 1 of 3/);
    assert.equal(rowsOf(first.body).length, 20);
    assert.equal(rowsOf(first.body)[0], 'entry-44');
    // Mustache escapes attribute values too; a browser decodes them back.
    assert.ok(decodeEntities(first.body).includes('href="/admin/dashboard?page=2"'), 'no link to page 2');
    const third = await web.get('/admin/dashboard?page=3');
    assert.match(third.body, /page 3 of 3/);
    assert.deepEqual(rowsOf(third.body), ['entry-04', 'entry-03', 'entry-02', 'entry-01', 'entry-00']);
    assert.doesNotMatch(third.body, /rel="next"/);
  });

  test('when filtering by name or request id, then only matching entries are listed', async () => {
    await seed(3, 'alpha');
    await seed(2, 'beta');
    await env.mongo.db.collection(LOGS_COLLECTION).insertOne({
      name: 'gamma',
      data: 'traced',
      request_id: 'trace-1',
      created_at: new Date(),
      updated_at: new Date(),
    });
    const web = await signedIn();
    const namesOf = (html: string) => [...html.matchAll(/<td>(alpha|beta|gamma)<\/td>/g)].map((m) => m[1]);
    const beta = await web.get('/admin/dashboard?name=beta');
    assert.match(beta.body, /<strong>2<\/strong> matching entries/);
    assert.deepEqual(namesOf(beta.body), ['beta', 'beta']);
    const traced = await web.get('/admin/dashboard?request_id=trace-1');
    assert.match(traced.body, /<strong>1<\/strong> matching entry /);
    assert.deepEqual(namesOf(traced.body), ['gamma']);
    assert.match(traced.body, /<td class="data">traced<\/td>/);
  });

  test('when audit records and public entries are stored, then the dashboard lists them apart and each entry page says which it is', async () => {
    const [auditId] = await seed(1, 'authentication', () => '{"email":"a@example.com","success":true}');
    await seed(1, 'broker_hit', () => 'Hit the broker');
    const [publicId] = await seed(2, 'from-the-page', () => 'public');
    // Looks like a record but is not one of the reserved names: public.
    await seed(1, 'Authentication-ish', () => 'public');
    const web = await signedIn();
    const namesOf = (html: string) => [...html.matchAll(/<td>([\w-]+)<\/td>/g)].map((m) => m[1]).sort();

    const publicPage = await web.get('/admin/dashboard');
    assert.match(publicPage.body, /<h1>Log entries<\/h1>/);
    assert.deepEqual(namesOf(publicPage.body), ['Authentication-ish', 'from-the-page', 'from-the-page']);
    assert.match(publicPage.body, /<a href="\/admin\/dashboard" aria-current="page">Public entries<\/a>/);

    const auditPage = await web.get('/admin/dashboard?kind=audit');
    assert.match(auditPage.body, /<h1>Audit records<\/h1>/);
    assert.deepEqual(namesOf(auditPage.body), ['authentication', 'broker_hit']);
    const filtered = await web.get('/admin/dashboard?kind=audit&name=from-the-page');
    assert.deepEqual(namesOf(filtered.body), [], 'a name filter does not reach across the views');

    assert.match(
      (await web.get(`/admin/log-entry/${auditId}`)).body,
      /<span class="kind audit">audit record<\/span>/,
    );
    assert.match(
      (await web.get(`/admin/log-entry/${publicId}`)).body,
      /<span class="kind">public entry<\/span>/,
    );
  });

  test('when an id is not an ObjectId or unknown, then the entry page is a 404', async () => {
    const web = await signedIn();
    assert.equal((await web.get('/admin/log-entry/not-an-id')).status, 404);
    assert.equal((await web.get('/admin/log-entry/0123456789abcdef01234567')).status, 404);
    const csrf = WebClient.csrfFrom((await web.get('/admin/dashboard')).body);
    for (const id of ['not-an-id', '0123456789abcdef01234567']) {
      const touch = await web.postForm(`/admin/log-entry/${id}/touch`, { _csrf: csrf });
      assert.equal(touch.status, 404, `touch ${id}`);
      assert.match(touch.body, /Not found/);
    }
  });

  test('when touch is posted with the token, then updated_at moves forward', async () => {
    const [id] = await seed(1);
    const web = await signedIn();
    const before = await env.mongo.db.collection(LOGS_COLLECTION).findOne({});
    const page = await web.get(`/admin/log-entry/${id}`);
    assert.equal((await web.postForm(`/admin/log-entry/${id}/touch`, {})).status, 403);
    const response = await web.postForm(`/admin/log-entry/${id}/touch`, {
      _csrf: WebClient.csrfFrom(page.body),
    });
    assert.equal(response.status, 303);
    const after = await env.mongo.db.collection(LOGS_COLLECTION).findOne({});
    assert.ok(after!.updated_at > before!.updated_at, 'updated_at did not change');
    assert.equal(after!.created_at.getTime(), before!.created_at.getTime());
  });

  test('when the user signs out, then the dashboard redirects to /login again', async () => {
    const web = await signedIn();
    const dashboard = await web.get('/admin/dashboard');
    assert.equal((await web.postForm('/logout', {})).status, 403);
    assert.equal((await web.get('/admin/dashboard')).status, 200, 'a logout without token ended the session');
    const response = await web.postForm('/logout', { _csrf: WebClient.csrfFrom(dashboard.body) });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/login');
    assert.equal((await web.get('/admin/dashboard')).status, 302);
  });

  test('when a page is rendered, then its only stylesheet is served by the service itself', async () => {
    const page = await env.service.web().get('/login');
    const stylesheets = [...page.body.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(stylesheets, ['/static/admin.css']);
    const response = await env.service.web().get('/static/admin.css');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/css/);
    assert.match(response.body, /\.card/);
  });
});
