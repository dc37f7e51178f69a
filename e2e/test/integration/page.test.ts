import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Suite } from '@suite/launcher';
import { type LogReader, launchChromium, openLogReader, waitFor } from '@suite/test-kit';
import type { Browser, Page } from 'playwright-core';
import { startWholeSuite } from '../support/suite.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));

/** The local addresses of the listening TCP sockets on `port`, as the kernel lists them (/proc/net/tcp{,6}). */
function listeningAddresses(port: number): string[] {
  const LISTEN = '0A';
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [address, portHex] = local.split(':') as [string, string];
      if (Number.parseInt(portHex, 16) !== port) continue;
      found.push(
        address.length === 8
          ? // IPv4, in the kernel's byte order: 0100007F is 127.0.0.1.
            (address.match(/../g) ?? [])
              .reverse()
              .map((byte) => Number.parseInt(byte, 16))
              .join('.')
          : /^0+$/.test(address)
            ? '::'
            : `ipv6 ${address}`,
      );
    }
  }
  return found;
}
interface Click {
  requestId: string;
  state: string;
  text: string;
  sent: string;
  received: string;
}

describe('the test page, end to end', () => {
  let suite: Suite;
  let stopSuite: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let logs: LogReader;
  let problems: string[] = [];

  before(async () => {
    ({ suite, stop: stopSuite } = await startWholeSuite());
    logs = await openLogReader(suite.mongoUrl);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await logs?.close();
    await stopSuite?.();
  });

  // Every test gets a page of its own, so each one passes or fails alone, in any order.
  beforeEach(async () => {
    problems = [];
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(suite.urls.frontEnd, { waitUntil: 'load' });
  });

  afterEach(async () => {
    await page?.close();
  });

  /** Clicks a button and waits for its Output entry to settle; returns what the panes show. */
  const click = async (buttonId: string): Promise<Click> => {
    const before = await page.locator('#output .output-entry').count();
    await page.click(`#${buttonId}`);
    await page.waitForFunction(
      ({ id, count }) => {
        const entries = document.querySelectorAll(`#output .output-entry[data-button="${id}"]`);
        const last = entries[entries.length - 1] as HTMLElement | undefined;
        return (
          document.querySelectorAll('#output .output-entry').length > count &&
          last?.dataset.state !== 'pending'
        );
      },
      { id: buttonId, count: before },
      { timeout: 20_000 },
    );
    const entry = page.locator(`#output .output-entry[data-button="${buttonId}"]`).last();
    const result: Click = {
      requestId: (await entry.getAttribute('data-request-id')) ?? '',
      state: (await entry.getAttribute('data-state')) ?? '',
      text: (await entry.textContent()) ?? '',
      sent: (await page.locator('#payload').textContent()) ?? '',
      received: (await page.locator('#received').textContent()) ?? '',
    };
    return result;
  };

  test('when the page opens, then it shows the six buttons and the three panes, styled by the local Bootstrap', async () => {
    const stylesheet = page.waitForResponse((r) => r.url().endsWith('/static/bootstrap.min.css'));
    const response = await page.reload({ waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    assert.equal((await stylesheet).status(), 200);
    assert.match(await page.title(), /Microservices Suite/);
    for (const id of ['brokerBtn', 'authBrokerBtn', 'logBtn', 'logGBtn', 'logRabbitBtn', 'mailBtn']) {
      assert.equal(await page.locator(`button#${id}`).isVisible(), true, `button ${id}`);
    }
    for (const id of ['output', 'payload', 'received']) {
      assert.equal(await page.locator(`#${id}`).isVisible(), true, `pane ${id}`);
    }
    // Bootstrap's .btn sets a border radius and padding; unstyled buttons would have neither.
    const buttonStyle = await page.locator('#brokerBtn').evaluate((el) => ({
      radius: getComputedStyle(el).borderRadius,
      padding: getComputedStyle(el).paddingLeft,
    }));
    assert.notEqual(buttonStyle.radius, '0px');
    assert.notEqual(buttonStyle.padding, '0px');
    // Rendered from BROKER_URL, which names the broker as the browser reaches it (localhost or 127.0.0.1).
    const brokerUrl = (await page.locator('body').getAttribute('data-broker-url')) ?? '';
    assert.equal(new URL(brokerUrl).port, String(suite.ports.broker));
  });

  test('when Test Broker is clicked, then the broker answers and a broker_hit entry is stored', async () => {
    const result = await click('brokerBtn');
    assert.equal(result.state, 'ok', result.text);
    assert.match(result.text, /Response from broker service: Hit the broker/);
    assert.match(result.text, new RegExp(`request id ${result.requestId}`));
    assert.equal(result.sent, 'empty post request');
    assert.deepEqual(JSON.parse(result.received), { error: false, message: 'Hit the broker' });
    const entries = await logs.waitFor({ name: 'broker_hit', request_id: result.requestId });
    assert.equal(entries.length, 1);
  });

  test("when Test Auth is clicked, then the demo user's first name shows and the authentication event is stored", async () => {
    const result = await click('authBrokerBtn');
    assert.equal(result.state, 'ok', result.text);
    assert.match(result.text, /Response from broker service: Authenticated!/);
    assert.match(result.text, /Authenticated as Demo/);
    assert.deepEqual(JSON.parse(result.sent), {
      action: 'auth',
      auth: { email: 'demo@example.com', password: 'demo-password' },
    });
    assert.equal(JSON.parse(result.received).data.first_name, 'Demo');
    assert.equal(JSON.parse(result.received).data.admin, false);
    const events = await logs.waitFor({
      name: 'authentication',
      request_id: result.requestId,
      event_id: { $exists: true },
    });
    assert.equal(events.length, 1);
    assert.equal(JSON.parse(events[0]!.data).success, true);
  });

  test("when the credentials Test Auth sends are used on the logger's admin UI, then it refuses them", async () => {
    // What every visitor of the page can read: the body the button sends.
    const { auth } = JSON.parse((await click('authBrokerBtn')).sent) as {
      auth: { email: string; password: string };
    };
    await page.goto(`${suite.urls.logger}/login`, { waitUntil: 'load' });
    await page.fill('input[name=email]', auth.email);
    await page.fill('input[name=password]', auth.password);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    assert.equal(answer.status(), 403);
    assert.match((await page.locator('body').textContent()) ?? '', /Not an administrator/i);
    const dashboard = await page.goto(`${suite.urls.logger}/admin/dashboard`, { waitUntil: 'load' });
    assert.match(dashboard?.url() ?? '', /\/login$/, 'no admin session was opened');
    // The seed administrator still signs in, so the refusal is about this user, not a broken form.
    const admin = await fetch(`${suite.urls.auth}/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: suite.adminPassword.password }),
    });
    assert.equal(((await admin.json()) as { data: { admin: boolean } }).data.admin, true);
  });

  test('when the suite runs as `make run` starts it, then every port it opened listens on 127.0.0.1 only', () => {
    assert.equal(suite.bindHost, '127.0.0.1');
    for (const [name, port] of Object.entries(suite.ports)) {
      assert.deepEqual(listeningAddresses(port), ['127.0.0.1'], `${name} (port ${port})`);
    }
  });

  /** The logger's count of entries written per transport and kind, from its /metrics. */
  const written = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${suite.urls.logger}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (!line.startsWith('logger_entries_written_total{') || !line.includes('outcome="stored"')) continue;
      const transport = /transport="(\w+)"/.exec(line)?.[1];
      const kind = /kind="(\w+)"/.exec(line)?.[1];
      counts[`${transport}/${kind}`] = Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return counts;
  };
  const delta = (before: Record<string, number>, after: Record<string, number>, key: string) =>
    (after[key] ?? 0) - (before[key] ?? 0);

  const logClicks = [
    { id: 'logBtn', message: 'logged via rpc', data: 'Some kind of data', written: 'rpc/request' },
    { id: 'logGBtn', message: 'logged via gRPC', data: 'Some kind of gRPC data', written: 'grpc/request' },
    {
      id: 'logRabbitBtn',
      message: 'logged via rabbitmq',
      data: 'Some kind of RabbitMQ data',
      written: 'rpc/event',
    },
  ];
  for (const { id, message, data, written: transport } of logClicks) {
    test(`when ${id} is clicked, then "${message}" shows, one entry with that request id is stored, and the logger counts it under ${transport}`, async () => {
      const before = await written();
      const result = await click(id);
      assert.equal(result.state, 'ok', result.text);
      assert.match(result.text, new RegExp(`Response from broker service: ${message}`));
      assert.equal(JSON.parse(result.sent).log.data, data);
      assert.equal(JSON.parse(result.received).error, false);
      const entries = await logs.waitFor({ request_id: result.requestId, data });
      assert.equal(entries.length, 1);
      if (id === 'logRabbitBtn') assert.equal(entries[0]!.event_id, JSON.parse(result.received).data.eventId);
      // The listener stores the event on its own schedule: wait (bounded) until the logger has counted it.
      const after =
        transport === 'rpc/event'
          ? await waitFor(
              async () => {
                const now = await written();
                return delta(before, now, transport) >= 1 ? now : undefined;
              },
              {
                timeoutMs: 5000,
                intervalMs: 100,
                describe: () => 'the logger to count the event the listener stored',
              },
            )
          : await written();
      // The listener may still be storing earlier clicks' events, so only the direct transports are exact.
      if (transport === 'rpc/event')
        assert.ok(delta(before, after, transport) >= 1, 'stored through the listener');
      else assert.equal(delta(before, after, transport), 1, `one entry written over ${transport}`);
      for (const other of ['rpc/request', 'grpc/request'].filter((key) => key !== transport)) {
        assert.equal(delta(before, after, other), 0, `nothing written over ${other} by this click`);
      }
    });
  }

  test('when Test Mail is clicked, then the SMTP catcher receives the mail', async () => {
    const result = await click('mailBtn');
    assert.equal(result.state, 'ok', result.text);
    assert.match(result.text, /Response from broker service: Message sent to me@here\.com/);
    const mail = await suite.mail!.waitFor(
      (m) => m.subject === 'Test email' && /me@here\.com/.test(m.to),
      10_000,
    );
    assert.match(mail.text, /Hello world!/);
    // Mail is always From the configured sender (the mail-service's default here); the page's "from" is Reply-To.
    assert.equal(mail.envelope.mailFrom, 'suite@example.com');
    assert.equal(mail.headers['reply-to'], 'me@example.com');
  });

  test('when every button is clicked, then each uses a fresh request id, the page has no errors, and a screenshot is saved', async () => {
    const ids: string[] = [];
    for (const id of ['brokerBtn', 'authBrokerBtn', 'logBtn', 'logGBtn', 'logRabbitBtn', 'mailBtn']) {
      const result = await click(id);
      assert.equal(result.state, 'ok', `${id}: ${result.text}`);
      ids.push(result.requestId);
    }
    assert.equal(ids.length, 6);
    assert.equal(new Set(ids).size, 6);
    for (const id of ids)
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(await page.locator('#output .text-danger').count(), 0);
    assert.deepEqual(problems, []);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: `${OUTPUT_DIR}page.png`, fullPage: true });
  });

  test('when the page is 400 px wide, then nothing overflows sideways and the stacked panes keep a gap', async () => {
    await page.setViewportSize({ width: 400, height: 900 });
    // Two entries in the Output pane, so the layout is checked with content, not an empty page.
    await click('brokerBtn');
    await click('logBtn');
    // No named helpers inside: tsx would wrap them in a `__name` call the page does not know.
    const layout = await page.evaluate(() => {
      const [sent, received] = [...document.querySelectorAll('#payload, #received')].map((pre) =>
        pre.closest('section')!.getBoundingClientRect(),
      );
      return {
        scrollWidth: document.documentElement.scrollWidth,
        overflowing: [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`),
        buttonsBottom: document.querySelector('[role="group"]')!.getBoundingClientRect().bottom,
        outputTop: document.querySelector('#output')!.getBoundingClientRect().top,
        gapBetweenPanes: received!.top - sent!.bottom,
      };
    });
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: `${OUTPUT_DIR}page-400px.png`, fullPage: true });
    assert.equal(layout.scrollWidth, 400, `wider than the viewport: ${layout.overflowing.join(', ')}`);
    assert.deepEqual(layout.overflowing, []);
    assert.ok(layout.outputTop > layout.buttonsBottom, 'the wrapped buttons stay above the Output pane');
    assert.ok(layout.gapBetweenPanes > 0, `Sent and Received touch (gap ${layout.gapBetweenPanes}px)`);
  });
});
