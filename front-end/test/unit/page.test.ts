import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { closeHttpServer, listen } from '@suite/toolbox';
import { readConfig } from '../../src/config.js';
import { BUTTONS } from '../../src/page.js';
import { buildFrontEnd } from '../../src/service.js';

const BROKER_URL = 'http://broker.test:9999';

describe('front-end page', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    const frontEnd = buildFrontEnd(readConfig({ BROKER_URL: `${BROKER_URL}/`, LOG_LEVEL: 'silent' }));
    server = http.createServer(frontEnd.app);
    url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });
  after(() => closeHttpServer(server, 100));

  test('when / is requested, then the page has the six buttons, the three panes and the broker URL', async () => {
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    assert.match(html, /<title>Microservices Suite — Test Page<\/title>/);
    const expected = {
      brokerBtn: 'Test Broker',
      authBrokerBtn: 'Test Auth',
      logBtn: 'Test Log',
      logGBtn: 'Test gRPC Log',
      logRabbitBtn: 'Test Log via RabbitMQ',
      mailBtn: 'Test Mail',
    };
    assert.equal(BUTTONS.length, 6);
    for (const [id, label] of Object.entries(expected)) {
      assert.match(
        html,
        new RegExp(`<button type="button" id="${id}"[^>]*>${label}</button>`),
        `button ${id}`,
      );
    }
    for (const id of ['output', 'payload', 'received'])
      assert.match(html, new RegExp(`id="${id}"`), `pane ${id}`);
    // Mustache escapes "/" in attributes; the browser decodes it back.
    assert.match(html, /data-broker-url="http:&#x2F;&#x2F;broker\.test:9999"/);
    assert.match(html, /<script src="\/static\/app\.js" defer><\/script>/);
    assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
    assert.doesNotMatch(html, /style="/, 'no inline style');
  });

  test('when / is requested, then the CSP allows only this origin and the broker', async () => {
    const res = await fetch(`${url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    assert.equal(directives.get('default-src'), "'self'");
    assert.equal(directives.get('connect-src'), "'self' http://broker.test:9999");
    assert.equal(directives.get('script-src'), "'self'");
    assert.equal(directives.get('style-src'), "'self'");
    assert.equal(directives.has('upgrade-insecure-requests'), false);
  });

  test('when the stylesheet and script are requested, then they are served locally', async () => {
    const css = await fetch(`${url}/static/bootstrap.min.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.match(await css.text(), /Bootstrap\s+v5/);
    const js = await fetch(`${url}/static/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(await js.text(), /X-Request-Id/);
    const appCss = await fetch(`${url}/static/app.css`);
    assert.equal(appCss.status, 200);
  });

  test('when /ping and /readyz are requested, then both answer 200', async () => {
    assert.equal((await fetch(`${url}/ping`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
  });

  test('when an unknown path is requested, then 404', async () => {
    assert.equal((await fetch(`${url}/static/nope.js`)).status, 404);
  });
});
