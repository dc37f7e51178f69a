/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CHROMIUM_PATH, launchChromium } from '@suite/test-kit';
import type { Browser, Page } from 'playwright-core';
import { LOGS_COLLECTION } from '../../src/store/logs.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/auth-server.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { type RunningService, startService } from '../support/service.js';

/** Would set window.__xss if the page ran it. */
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';

describe('admin UI in a browser', {
  skip: existsSync(CHROMIUM_PATH) ? false : `${CHROMIUM_PATH} is not installed`,
}, () => {
  let mongo: TestMongo;
  let service: RunningService;
  let browser: Browser;

  before(async () => {
    mongo = await startTestMongo();
    service = await startService(mongo);
    browser = await launchChromium();
    await mongo.store.insert({ name: 'broker_hit', data: 'Hit the broker' }, { requestId: 'req-browser-1' });
    await mongo.store.insert({ name: 'hostile', data: XSS });
  });
  after(async () => {
    await browser?.close();
    await service?.close();
    await mongo?.close();
  });

  async function signIn(page: Page) {
    await page.goto(`${service.httpUrl}/admin/dashboard`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.fill('input[name=email]', ADMIN_EMAIL);
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL('**/admin/dashboard');
  }

  test('when an admin signs in and opens an entry, then data shows as text and no script of it runs', async () => {
    const page = await browser.newPage();
    try {
      await signIn(page);
      const rows = await page.locator('tbody tr').allInnerTexts();
      assert.equal(rows.length, 1, 'the public view lists only public entries');
      assert.match(rows[0] ?? '', /hostile/);
      assert.ok(rows[0]?.includes(XSS), 'the hostile data is not shown as text');
      await page.click('a:has-text("Audit records")');
      await page.waitForURL('**/admin/dashboard?kind=audit');
      const auditRows = await page.locator('tbody tr').allInnerTexts();
      assert.equal(auditRows.length, 1);
      assert.match(auditRows[0] ?? '', /broker_hit[\s\S]*req-browser-1/);
      await page.click('a:has-text("Public entries")');
      await page.waitForURL(/\/admin\/dashboard$/);
      assert.equal(await page.locator('main script, main img').count(), 0);
      // The stylesheet came from the service: its background colour is applied.
      assert.equal(
        await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
        'rgb(245, 247, 250)',
      );

      await page.locator('tbody tr', { hasText: 'hostile' }).locator('a').click();
      await page.waitForURL('**/admin/log-entry/*');
      assert.equal(await page.locator('pre.data').textContent(), XSS);
      assert.equal(await page.evaluate(() => (window as { __xss?: number }).__xss), undefined);
    } finally {
      await page.close();
    }
  });

  test('when the dashboard is narrow, then the page does not overflow sideways', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    try {
      await signIn(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    } finally {
      await page.close();
    }
  });

  test('when delete-all is not confirmed, then the browser will not send it; once ticked, every entry goes', async () => {
    const page = await browser.newPage();
    try {
      await signIn(page);
      const submittable = () =>
        page.$eval('form[action="/admin/delete-all"]', (form) => (form as HTMLFormElement).checkValidity());
      assert.equal(await submittable(), false, 'delete-all can be sent without the confirmation');
      await page.check('input[name=confirm]');
      assert.equal(await submittable(), true);
      await page.click('button:has-text("Delete all entries")');
      await page.locator('.flash').waitFor();
      assert.equal(await page.locator('.flash').textContent(), 'Deleted 2 entries.');
      assert.equal(await mongo.db.collection(LOGS_COLLECTION).countDocuments({}), 0);
    } finally {
      await page.close();
    }
  });
});
