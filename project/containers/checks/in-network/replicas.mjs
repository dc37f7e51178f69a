// Checks across replicas, run by `make test-swarm` in a container on the stack's network, where
// `tasks.<service>` lists the address of every replica: so each request goes to the replica it names.
// Plain JavaScript with Node's own modules only, since it runs in a service image as it is.
// Prints one line per check and "swarm replicas: N passed, M failed"; exits 1 when one failed.
import { resolve4 } from 'node:dns/promises';

const RUN_ID = process.env.RUN_ID ?? String(Date.now());
const ADMIN = { email: 'admin@example.com', password: process.env.SEED_PASSWORD ?? '' };

async function replicas(service) {
  const addresses = (await resolve4(`tasks.${service}`)).sort();
  if (addresses.length !== 2) throw new Error(`${service} has ${addresses.length} replicas, not 2`);
  return addresses;
}

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: await response.text() };
}

function expect(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

/** A browser's cookie jar for one site: the admin UI's session cookie, carried to whichever replica. */
class Browser {
  cookies = new Map();
  async request(url, form) {
    const headers = {};
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return { status: response.status, location: response.headers.get('location') ?? '', body: await response.text() };
  }
  static csrf(html) {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token in the page');
    return match[1];
  }
}

const checks = {
  async 'the 11th wrong password for one account from one address gets 429 from either broker replica'() {
    const brokers = (await replicas('broker-service')).map((ip) => `http://${ip}:8080`);
    const auth = { email: `swarm-${RUN_ID}@example.com`, password: 'not-the-password' };
    for (let i = 0; i < 10; i++) {
      const answer = await post(`${brokers[i % 2]}/handle`, { action: 'auth', auth });
      expect(answer.status, 401, `wrong password ${i + 1} on broker ${i % 2}`);
    }
    for (const [i, broker] of brokers.entries()) {
      expect((await post(`${broker}/handle`, { action: 'auth', auth })).status, 429, `11th on broker ${i}`);
    }
  },

  async 'the 11th wrong password for one account from one address gets 429 from either authentication replica'() {
    const auths = (await replicas('authentication-service')).map((ip) => `http://${ip}:8083`);
    // This container is on a private address, which the authentication-service trusts as the broker's.
    const from = { 'x-forwarded-for': '203.0.113.21' };
    const credentials = { email: `swarm-direct-${RUN_ID}@example.com`, password: 'not-the-password' };
    for (let i = 0; i < 10; i++) {
      const answer = await post(`${auths[i % 2]}/authenticate`, credentials, from);
      expect(answer.status, 401, `wrong password ${i + 1} on replica ${i % 2}`);
    }
    for (const [i, auth] of auths.entries()) {
      expect((await post(`${auth}/authenticate`, credentials, from)).status, 429, `11th on replica ${i}`);
    }
  },

  async 'the 31st mail in a minute from one client gets 429 from either broker replica'() {
    const brokers = (await replicas('broker-service')).map((ip) => `http://${ip}:8080`);
    const mail = (i) => ({
      action: 'mail',
      mail: { from: 'me@example.com', to: 'you@example.com', subject: `swarm limit ${RUN_ID} ${i}`, message: 'm' },
    });
    for (let i = 0; i < 30; i++) {
      expect((await post(`${brokers[i % 2]}/handle`, mail(i))).status, 202, `mail ${i + 1} on broker ${i % 2}`);
    }
    for (const [i, broker] of brokers.entries()) {
      expect((await post(`${broker}/handle`, mail(30 + i))).status, 429, `31st on broker ${i}`);
    }
  },

  async 'an admin session made on one logger replica works on the other, and signing out on one ends it on both'() {
    const [first, second] = (await replicas('logger-service')).map((ip) => `http://${ip}:8082`);
    const browser = new Browser();
    const page = await browser.request(`${first}/login`);
    expect(page.status, 200, 'GET /login on the first replica');
    const signIn = await browser.request(`${first}/login`, { _csrf: Browser.csrf(page.body), ...ADMIN });
    expect(signIn.status, 303, `POST /login on the first replica (to ${signIn.location})`);
    const there = await browser.request(`${second}/admin/dashboard`);
    expect(there.status, 200, 'the dashboard on the second replica with the first one’s session');
    const back = await browser.request(`${first}/admin/dashboard`);
    expect(back.status, 200, 'the dashboard on the first replica');
    // The cookie as it is before signing out, replayed after it as a copy of it would be.
    const copied = new Map(browser.cookies);
    const signOut = await browser.request(`${second}/logout`, { _csrf: Browser.csrf(there.body) });
    expect(signOut.status, 303, 'POST /logout on the second replica');
    for (const [i, replica] of [first, second].entries()) {
      const replay = new Browser();
      replay.cookies = new Map(copied);
      const after = await replay.request(`${replica}/admin/dashboard`);
      expect(after.status, 302, `the dashboard on replica ${i} with the signed-out session's cookie`);
    }
  },
};

let passed = 0;
const failed = [];
for (const [name, check] of Object.entries(checks)) {
  try {
    await check();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed.push(name);
    console.log(`FAILED - ${name}: ${error instanceof Error ? error.message : error}`);
  }
}
console.log(`swarm replicas: ${passed} passed, ${failed.length} failed`);
process.exitCode = failed.length ? 1 : 0;
