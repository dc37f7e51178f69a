import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Suite } from '@suite/launcher';
import { startWholeSuite } from '../support/suite.js';

/** "Well under a second": a generous bound for an answer that takes milliseconds. */
const BOUND_MS = 1000;
const HUNDRED_KB = 100_000;

/**
 * Shapes that make a backtracking pattern slow: long runs a pattern can split many ways (the
 * mailbox pattern once took a minute on 4,000 spaces and an `x`), quotes and angle brackets for the
 * `Name <address>` form, and repeated address fragments for the email check.
 */
const shapes = (length: number): Record<string, string> => ({
  spaces: `${' '.repeat(length - 1)}x`,
  'quote and spaces': `"${' '.repeat(length - 2)}x`,
  'angle brackets': '<'.repeat(length),
  'name and angle': `${'a '.repeat((length - 2) / 2)}<>`,
  'at signs': 'a@'.repeat(length / 2),
  dots: `a${'.a'.repeat((length - 1) / 2)}`,
});

interface Target {
  /** What is sent, e.g. `broker /handle mail`. */
  name: string;
  /** The service whose `/ping` another client calls meanwhile. */
  service: keyof Suite['urls'];
  fields: string[];
  /**
   * The longest value this endpoint's body limit admits (when below 100 KB), so the value reaches
   * validation rather than only the body limit.
   */
  fitting?: number;
  send(field: string, value: string, signal: AbortSignal): Promise<Response>;
}

const json = (url: string, body: unknown, signal: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

const AUTH = { email: 'user@example.com', password: 'not-the-password' };
const LOG = { name: 'adversarial', data: 'd' };
const MAIL = { from: 'a@example.com', to: 'rcpt@example.com', subject: 's', message: 'm' };

describe('100 KB adversarial values in every string field of every public request', () => {
  let suite: Suite;
  let stopSuite: () => Promise<void>;
  let loginForm: { cookie: string; csrf: string };

  before(async () => {
    ({ suite, stop: stopSuite } = await startWholeSuite());
    const page = await fetch(`${suite.urls.logger}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(csrf, 'the login page carries no CSRF token');
    loginForm = {
      cookie: page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      csrf,
    };
  });
  after(() => stopSuite?.());

  const targets = (): Target[] => [
    {
      name: 'broker /handle auth',
      service: 'broker',
      fields: ['action', 'email', 'password'],
      send: (field, value, signal) =>
        json(
          `${suite.urls.broker}/handle`,
          field === 'action'
            ? { action: value, auth: AUTH }
            : { action: 'auth', auth: { ...AUTH, [field]: value } },
          signal,
        ),
    },
    {
      name: 'broker /handle log',
      service: 'broker',
      fields: ['name', 'data', 'via'],
      send: (field, value, signal) =>
        json(
          `${suite.urls.broker}/handle`,
          field === 'via'
            ? { action: 'log', via: value, log: LOG }
            : { action: 'log', log: { ...LOG, [field]: value } },
          signal,
        ),
    },
    {
      name: 'broker /handle mail',
      service: 'broker',
      fields: ['from', 'to', 'subject', 'message'],
      send: (field, value, signal) =>
        json(`${suite.urls.broker}/handle`, { action: 'mail', mail: { ...MAIL, [field]: value } }, signal),
    },
    {
      name: 'broker /log-grpc',
      service: 'broker',
      fields: ['name', 'data'],
      send: (field, value, signal) =>
        json(`${suite.urls.broker}/log-grpc`, { log: { ...LOG, [field]: value } }, signal),
    },
    {
      name: 'authentication-service /authenticate',
      service: 'auth',
      fields: ['email', 'password'],
      // 10 kB body limit; a quote takes two bytes in JSON.
      fitting: 4500,
      send: (field, value, signal) =>
        json(`${suite.urls.auth}/authenticate`, { ...AUTH, [field]: value }, signal),
    },
    {
      name: 'mail-service /send',
      service: 'mail',
      fields: ['from', 'to', 'subject', 'message'],
      // 64 kB body limit.
      fitting: 30_000,
      send: (field, value, signal) => json(`${suite.urls.mail}/send`, { ...MAIL, [field]: value }, signal),
    },
    {
      name: 'logger-service /log',
      service: 'logger',
      fields: ['name', 'data'],
      send: (field, value, signal) => json(`${suite.urls.logger}/log`, { ...LOG, [field]: value }, signal),
    },
    {
      name: 'logger-service admin sign-in form',
      service: 'logger',
      fields: ['email', 'password', '_csrf'],
      // 8 kB form limit; `<` and `"` take three bytes once encoded.
      fitting: 2600,
      send: (field, value, signal) =>
        fetch(`${suite.urls.logger}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginForm.cookie },
          body: new URLSearchParams({
            email: 'user@example.com',
            password: 'not-the-password',
            _csrf: loginForm.csrf,
            [field]: value,
          }).toString(),
          redirect: 'manual',
          signal,
        }),
    },
  ];

  /** Sends one value and, at the same time from another client, `GET /ping` to the same service. */
  async function sendWithPing(target: Target, field: string, value: string) {
    // A stuck service fails the test after 5 s instead of hanging it.
    const signal = AbortSignal.timeout(5000);
    const started = performance.now();
    const timed = async (call: () => Promise<Response>) => {
      try {
        const response = await call();
        await response.arrayBuffer();
        return { status: response.status, ms: performance.now() - started };
      } catch {
        return { status: 0, ms: performance.now() - started };
      }
    };
    const [answer, ping] = await Promise.all([
      timed(() => target.send(field, value, signal)),
      timed(() => fetch(`${suite.urls[target.service]}/ping`, { signal })),
    ]);
    return { answer, ping };
  }

  test("when each value is sent, then the answer is a 4xx well under a second, and another client's /ping is answered meanwhile", async (t) => {
    const slow: string[] = [];
    let requests = 0;
    let slowestMs = 0;
    for (const target of targets()) {
      const lengths = target.fitting ? [HUNDRED_KB, target.fitting] : [HUNDRED_KB];
      for (const field of target.fields) {
        for (const length of lengths) {
          for (const [shape, value] of Object.entries(shapes(length))) {
            const what = `${target.name} ${field}=${shape} (${value.length} characters)`;
            // The best of up to three tries: a machine busy with other work can stall any one
            // request, a super-linear pattern stalls every try.
            let best = { answerMs: Number.POSITIVE_INFINITY, pingMs: Number.POSITIVE_INFINITY };
            for (
              let attempt = 0;
              attempt < 3 && Math.max(best.answerMs, best.pingMs) >= BOUND_MS;
              attempt++
            ) {
              const { answer, ping } = await sendWithPing(target, field, value);
              requests++;
              assert.ok(answer.status >= 400 && answer.status < 500, `${what}: answered ${answer.status}`);
              assert.equal(ping.status, 200, `${what}: /ping answered ${ping.status}`);
              if (Math.max(answer.ms, ping.ms) < Math.max(best.answerMs, best.pingMs)) {
                best = { answerMs: answer.ms, pingMs: ping.ms };
              }
            }
            slowestMs = Math.max(slowestMs, best.answerMs, best.pingMs);
            if (Math.max(best.answerMs, best.pingMs) >= BOUND_MS) {
              slow.push(`${what}: answer ${best.answerMs.toFixed(0)} ms, /ping ${best.pingMs.toFixed(0)} ms`);
            }
          }
        }
      }
    }
    t.diagnostic(
      `${requests} adversarial requests, slowest answer or /ping (best try) ${slowestMs.toFixed(0)} ms`,
    );
    assert.deepEqual(slow, []);
  });
});
