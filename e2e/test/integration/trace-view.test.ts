import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Suite, startSuite } from '@suite/launcher';
import { launchChromium, waitFor } from '@suite/test-kit';
import type { Browser } from 'playwright-core';

describe('the trace view: from a button to its trace', () => {
  let suite: Suite;
  let browser: Browser;

  before(async () => {
    // As `make run` does: the trace catcher, every service sending its spans to it, the page linking to it.
    suite = await startSuite({
      env: { LOG_LEVEL: 'warn', OTEL_BSP_SCHEDULE_DELAY: '100' },
      traceCatcher: true,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await suite?.stop();
  });

  test('Test Log via RabbitMQ: the answer links to its trace, which shows the spans of every service on the path', async () => {
    const page = await browser.newPage();
    await page.goto(suite.urls.frontEnd);
    await page.click('#logRabbitBtn');
    const link = page.locator('.output-entry[data-state="ok"] a.trace-link');
    await link.waitFor({ timeout: 15_000 });
    const href = await link.getAttribute('href');
    assert.ok(href?.startsWith(`${suite.traceViewUrl}/trace/`), `a link into the trace view: ${href}`);

    const expected = ['broker-service', 'listener-service', 'logger-service'];
    let seen: string[] = [];
    // Spans leave each service in batches: the view fills in as they arrive.
    await waitFor(
      async () => {
        await page.goto(href!);
        seen = await page
          .locator('#waterfall tr.span')
          .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.service ?? ''));
        return expected.every((service) => seen.includes(service));
      },
      { timeoutMs: 20_000, intervalMs: 300, describe: () => `services in the view: ${seen.join(', ')}` },
    );
    const traceId = href!.split('/').pop();
    assert.equal(await page.locator('#trace-id').textContent(), traceId);
    // The store's spans sit under the logger's, the broker's at the root.
    const first = await page.locator('#waterfall tr.span').first().getAttribute('data-service');
    assert.equal(first, 'broker-service');
    await page.close();
  });
});
