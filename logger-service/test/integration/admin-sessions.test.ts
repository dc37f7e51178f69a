import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { WebClient } from '@suite/test-kit';
import { PUBLIC_SESSION_SECRETS } from '../../src/admin/secrets.js';
import { SESSIONS_COLLECTION } from '../../src/admin/session-store.js';
import { readConfig } from '../../src/config.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/auth-server.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, SESSION_SECRET, startService } from '../support/service.js';

const MINUTE = 60_000;

describe('admin sessions', () => {
  let mongo: TestMongo;
  let service: RunningService;
  /** The service's clock; tests move it forward instead of waiting. */
  let clock = Date.now();

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo, {
      now: () => new Date(clock),
      env: { SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '8' },
    });
  });
  after(async () => {
    await service?.close();
    await mongo?.close();
  });

  async function signIn(web = service.web()): Promise<WebClient> {
    const { response } = await web.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(response.status, 303);
    assert.equal((await web.get('/admin/dashboard')).status, 200);
    return web;
  }

  /** A browser holding only the given Cookie header. */
  const withCookie = (cookie: string) => (path: string) =>
    fetch(`${service.httpUrl}${path}`, { headers: { cookie }, redirect: 'manual' });

  const sessionCookieOf = (web: WebClient) => web.cookie('logger_admin');

  test('when a start-up is given any SESSION_SECRET ever written in this repository, then it refuses to start', () => {
    assert.ok(PUBLIC_SESSION_SECRETS.length >= 3);
    for (const secret of PUBLIC_SESSION_SECRETS) {
      assert.throws(() => readConfig({ SESSION_SECRET: secret }), /SESSION_SECRET is a value published/);
    }
    assert.throws(() => readConfig({ SESSION_SECRET: 'short' }), /at least 32 characters/);
    assert.equal(readConfig({ SESSION_SECRET: '' }).SESSION_SECRET, undefined, 'empty means a random one');
  });

  test('when a cookie is forged with any secret from the repository, then /admin refuses it', async () => {
    // A real session id, as someone reading the database would see it: only the secret makes it a cookie.
    await signIn();
    const stored = await mongo.db.collection(SESSIONS_COLLECTION).find().toArray();
    const id = String(stored.at(-1)?._id);
    const signed = (secret: string) =>
      `logger_admin=${id}.${createHmac('sha256', secret).update(`session:${id}`).digest('base64url')}`;

    assert.equal((await withCookie(signed(SESSION_SECRET))('/admin/dashboard')).status, 200, 'control');
    for (const secret of PUBLIC_SESSION_SECRETS) {
      const forged = await withCookie(signed(secret))('/admin/dashboard');
      assert.equal(forged.status, 302, `a cookie signed with "${secret}" was accepted`);
      assert.equal(forged.headers.get('location'), '/login');

      // The earlier cookie-session format: the user in the cookie itself, signed by keygrip (HMAC-SHA1).
      const value = Buffer.from(JSON.stringify({ user: ADMIN_EMAIL, csrf: 'x' })).toString('base64');
      const sig = createHmac('sha1', secret)
        .update(`logger_admin=${value}`)
        .digest('base64')
        .replace(/\//g, '_')
        .replace(/\+/g, '-')
        .replace(/=/g, '');
      const old = await withCookie(`logger_admin=${value}; logger_admin.sig=${sig}`)('/admin/dashboard');
      assert.equal(old.status, 302, `an old-style cookie signed with "${secret}" was accepted`);
    }
  });

  test('when a cookie copied before sign-out is replayed after it, then it is refused', async () => {
    const web = await signIn();
    const copied = sessionCookieOf(web);
    assert.ok(copied);
    assert.equal((await withCookie(`logger_admin=${copied}`)('/admin/dashboard')).status, 200);

    const dashboard = await web.get('/admin/dashboard');
    const out = await web.postForm('/logout', { _csrf: WebClient.csrfFrom(dashboard.body) });
    assert.equal(out.status, 303);

    const replayed = await withCookie(`logger_admin=${copied}`)('/admin/dashboard');
    assert.equal(replayed.status, 302);
    assert.equal(replayed.headers.get('location'), '/login');
  });

  test('when a session is idle longer than the idle limit, then it is refused; use keeps it alive', async () => {
    const web = await signIn();
    clock += 29 * MINUTE;
    assert.equal((await web.get('/admin/dashboard')).status, 200, 'refused before the idle limit');
    clock += 29 * MINUTE;
    assert.equal((await web.get('/admin/dashboard')).status, 200, 'use did not extend the session');
    clock += 31 * MINUTE;
    const idle = await web.get('/admin/dashboard');
    assert.equal(idle.status, 302);
    assert.equal(idle.headers.get('location'), '/login');
  });

  test('when a session is older than the absolute limit, then it is refused even while in use', async () => {
    const web = await signIn();
    const started = clock;
    while (clock - started < 8 * 60 * MINUTE - 25 * MINUTE) {
      clock += 25 * MINUTE;
      assert.equal((await web.get('/admin/dashboard')).status, 200);
    }
    clock += 25 * MINUTE;
    assert.equal((await web.get('/admin/dashboard')).status, 302);
  });
});

describe('Secure session cookies', () => {
  let mongo: TestMongo;
  const services: RunningService[] = [];

  before(async () => {
    mongo = await startTestMongo();
  });
  after(async () => {
    for (const service of services) await service.close();
    await mongo?.close();
  });

  async function cookiesAfterSignIn(env: Record<string, string>, headers: Record<string, string>) {
    const service = await startService(mongo, { env });
    services.push(service);
    const web = service.web();
    const page = await web.request('/login', { headers });
    const response = await web.request('/login', {
      method: 'POST',
      headers,
      form: { _csrf: WebClient.csrfFrom(page.body), email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    assert.equal(response.status, 303);
    return [...page.headers.getSetCookie(), ...response.headers.getSetCookie()].filter(
      (c) => !/expires=Thu, 01 Jan 1970/i.test(c),
    );
  }
  const isSecure = (cookie: string) => /;\s*secure(;|$)/i.test(cookie);

  test('when a trusted proxy says the browser used HTTPS, then the cookies are Secure', async () => {
    const cookies = await cookiesAfterSignIn(
      { TRUSTED_PROXIES: '127.0.0.1' },
      { 'x-forwarded-proto': 'https' },
    );
    assert.equal(cookies.length, 2);
    assert.ok(cookies.every(isSecure), cookies.join('\n'));
  });

  test('when an untrusted peer says HTTPS, then the header is ignored', async () => {
    const cookies = await cookiesAfterSignIn({}, { 'x-forwarded-proto': 'https' });
    assert.ok(cookies.length > 0 && !cookies.some(isSecure), cookies.join('\n'));
  });

  test('when SESSION_COOKIE_SECURE=true, then the cookies are Secure on every answer', async () => {
    const cookies = await cookiesAfterSignIn({ SESSION_COOKIE_SECURE: 'true' }, {});
    assert.ok(cookies.length > 0 && cookies.every(isSecure), cookies.join('\n'));
  });
});
