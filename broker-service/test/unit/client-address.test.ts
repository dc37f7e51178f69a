import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import { closeHttpServer, createHttpClient, listen } from '@suite/toolbox';
import { createAuthClient } from '../../src/clients/auth.js';
import { startBroker, type TestBroker } from '../support/fakes.js';

/** An authentication-service stand-in that accepts every login and records the X-Forwarded-For it was sent. */
async function recordingAuthService() {
  const forwardedFor: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    forwardedFor.push(req.headers['x-forwarded-for'] as string | undefined);
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: false, message: 'ok', data: { id: 1, email: 'admin@example.com' } }));
  });
  const port = await listen(server, 0, '127.0.0.1');
  const client = createHttpClient({ service: 'authentication-service', baseURL: `http://127.0.0.1:${port}` });
  return {
    forwardedFor,
    auth: createAuthClient(client),
    close: async () => {
      client.close();
      await closeHttpServer(server, 10);
    },
  };
}

/** POSTs JSON from a chosen loopback address, as a second client on another machine would. */
function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    body: { error: boolean; message: string };
  }>((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const login = { action: 'auth', auth: { email: 'admin@example.com', password: 'verysecret' } };
const mail = (i: number) => ({
  action: 'mail',
  mail: { from: 'me@example.com', to: 'you@example.com', subject: `s${i}`, message: 'm' },
});

describe('client addresses (TRUSTED_PROXIES) and the mail limit', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const broker = async (env: Record<string, string>, overrides = {}) => {
    const started: TestBroker = await startBroker(overrides, env);
    cleanups.push(started.close);
    return started;
  };

  test('when an untrusted caller sends X-Forwarded-For, then the authentication-service is told the caller’s own address', async () => {
    const peer = await recordingAuthService();
    cleanups.push(peer.close);
    const b = await broker({}, { auth: peer.auth });
    const res = await b.post('/handle', login, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' });
    assert.equal(res.status, 202);
    assert.deepEqual(peer.forwardedFor, ['127.0.0.1']);
  });

  test('when the caller is a trusted proxy, then the authentication-service gets the one client address it names', async () => {
    const peer = await recordingAuthService();
    cleanups.push(peer.close);
    const b = await broker({ TRUSTED_PROXIES: '127.0.0.1' }, { auth: peer.auth });
    const res = await b.post('/handle', login, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' });
    assert.equal(res.status, 202);
    // The right-most untrusted hop; what the client wrote left of it is never passed on.
    assert.deepEqual(peer.forwardedFor, ['198.51.100.7']);
  });

  test('when one client sends a burst of mail, then it gets 429 with Retry-After, a new X-Forwarded-For does not help, and another client still sends', async () => {
    const b = await broker({ MAIL_RATE_LIMIT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postFrom('127.0.0.1', `${b.url}/handle`, mail(i), {
        'x-forwarded-for': `203.0.113.${i}`,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        const retryAfter = Number(res.headers['retry-after']);
        assert.ok(
          Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
          `Retry-After ${retryAfter}`,
        );
        assert.match(res.body.message, /^too many mails from this address \(3 a minute\)/);
      }
    }
    assert.deepEqual(statuses, [202, 202, 202, 429, 429]);
    assert.equal(
      b.calls.mail.filter((c) => c.path === '/send').length,
      3,
      'refused mails never reach the mail-service',
    );

    const other = await postFrom('127.0.0.2', `${b.url}/handle`, mail(99));
    assert.equal(other.status, 202);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(metrics, /^broker_mail_rate_limited_total\{[^}]*\} 2$/m);
  });
});
