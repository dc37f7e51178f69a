import { launchChromium, openLogReader, waitFor } from '@suite/test-kit';
import type { Check } from './report.js';
import type { Stack } from './stack.js';

/** The buttons of the test page and where each click's side effect lands: a log entry, or a mail. */
const BUTTONS: { id: string; effect: 'log' | 'mail' }[] = [
  { id: 'brokerBtn', effect: 'log' },
  { id: 'authBrokerBtn', effect: 'log' },
  { id: 'logBtn', effect: 'log' },
  { id: 'logGBtn', effect: 'log' },
  { id: 'logRabbitBtn', effect: 'log' },
  { id: 'mailBtn', effect: 'mail' },
];

/** How many mails the catcher holds (MailHog's v2 API, which the stand-in speaks too). */
async function mailCount(mailViewer: string): Promise<number> {
  const response = await fetch(`${mailViewer}/api/v2/messages?start=0&limit=1`);
  return ((await response.json()) as { total: number }).total;
}

/** Chromium opens the containerised page and clicks every button; each click must succeed against the stack. */
export function pageCheck(stack: Stack): Check {
  return {
    name: 'the page served by the front-end container: every button clicked in Chromium succeeds',
    async run() {
      const browser = await launchChromium();
      const logs = await openLogReader(stack.mongoUrl);
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
        const response = await page.goto(stack.frontEnd, { waitUntil: 'load' });
        if (response?.status() !== 200) throw new Error(`the page answered ${response?.status()}`);
        for (const { id, effect } of BUTTONS) {
          const entries = page.locator(`#output .output-entry[data-button="${id}"]`);
          const before = await entries.count();
          const mailsBefore = effect === 'mail' ? await mailCount(stack.mailViewer) : 0;
          await page.click(`#${id}`);
          await page.waitForFunction(
            ({ button, count }) => {
              const all = document.querySelectorAll(`#output .output-entry[data-button="${button}"]`);
              const last = all[all.length - 1] as HTMLElement | undefined;
              return all.length > count && last?.dataset.state !== 'pending';
            },
            { button: id, count: before },
            { timeout: 20_000 },
          );
          const entry = entries.last();
          const state = await entry.getAttribute('data-state');
          if (state !== 'ok') throw new Error(`${id}: ${state}: ${(await entry.textContent())?.trim()}`);
          const requestId = await entry.getAttribute('data-request-id');
          if (effect === 'log') {
            await logs.waitFor({ request_id: requestId }, 1, 15_000).catch((error) => {
              throw new Error(`${id}: ${error.message}`);
            });
          } else {
            await waitFor(async () => (await mailCount(stack.mailViewer)) > mailsBefore, {
              timeoutMs: 15_000,
              intervalMs: 200,
              describe: () => `${id}: no new mail in the catcher`,
            });
          }
        }
        if (problems.length > 0) throw new Error(problems.join('; '));
      } finally {
        await logs.close();
        await browser.close();
      }
    },
  };
}
