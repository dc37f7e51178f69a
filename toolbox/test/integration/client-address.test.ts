import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  clientAddressKey,
  closeHttpServer,
  createHttpApp,
  createHttpClient,
  createLogger,
  type HttpClient,
  listen,
  parseTrustedProxies,
  sendOk,
} from '../../src/index.js';
import { currentClientAddress } from '../../src/request-context.js';

const logger = createLogger('toolbox-test', 'silent');

/** A peer that records the X-Forwarded-For it was sent. */
async function recordingPeer() {
  const seen: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers['x-forwarded-for'] as string | undefined);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { server, seen, url: `http://127.0.0.1:${port}` };
}

/** An app on `host` whose one route reports the address it resolved and calls the peer. */
async function appOn(host: string, trustedProxies: string, peer: HttpClient) {
  const app = createHttpApp({
    service: 'demo',
    logger,
    trustedProxies: parseTrustedProxies(trustedProxies),
    routes: (app) =>
      app.get('/whoami', async (_req, res) => {
        const fromContext = currentClientAddress();
        await peer.get('/');
        sendOk(res, 'you', { locals: res.locals.clientAddress, context: fromContext });
      }),
  });
  const server = http.createServer(app);
  const port = await listen(server, 0, host);
  const base = host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
  const whoami = async (forwardedFor?: string) => {
    const res = await fetch(`${base}/whoami`, {
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    assert.equal(res.status, 202);
    const { data } = (await res.json()) as { data: { locals: string; context: string } };
    assert.equal(data.context, data.locals, 'request context and res.locals agree');
    return data.locals;
  };
  return { server, whoami };
}

describe('client address behind trusted proxies', () => {
  let peer: Awaited<ReturnType<typeof recordingPeer>>;
  let client: HttpClient;
  const servers: http.Server[] = [];

  before(async () => {
    peer = await recordingPeer();
    client = createHttpClient({ service: 'peer', baseURL: peer.url });
  });
  after(async () => {
    client.close();
    await Promise.all([...servers, peer.server].map((s) => closeHttpServer(s, 100)));
  });

  test('when an untrusted peer sends a spoofed X-Forwarded-For, then it is ignored and the peer is the client', async () => {
    const { server, whoami } = await appOn('127.0.0.1', '', client);
    servers.push(server);
    assert.equal(await whoami('198.51.100.7'), '127.0.0.1');
    assert.equal(peer.seen.at(-1), '127.0.0.1', 'the spoofed address is not passed on');
  });

  test('when a trusted proxy forwards, then the right-most untrusted entry is the client and passed on alone', async () => {
    const { server, whoami } = await appOn('127.0.0.1', '127.0.0.1, 10.0.0.0/8', client);
    servers.push(server);
    // The client wrote 6.6.6.6 itself; our proxies appended 198.51.100.7 (the client) and 10.0.0.5 (a hop).
    assert.equal(await whoami('6.6.6.6, 198.51.100.7, 10.0.0.5'), '198.51.100.7');
    assert.equal(peer.seen.at(-1), '198.51.100.7', 'one address downstream, never the chain');
    assert.equal(await whoami(), '127.0.0.1');
  });

  test('when the trusted proxy speaks IPv6, then an IPv6 client is resolved and keyed by its /64', async () => {
    const { server, whoami } = await appOn('::1', '::1', client);
    servers.push(server);
    const first = await whoami('2001:db8:aa:bb:1::1');
    const second = await whoami('2001:db8:aa:bb:ffff::2');
    assert.equal(first, '2001:db8:aa:bb:1::1');
    assert.equal(clientAddressKey(first), clientAddressKey(second));
    assert.notEqual(clientAddressKey(first), clientAddressKey(await whoami('2001:db8:aa:bc::1')));
  });
});
