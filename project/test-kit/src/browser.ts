import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; playwright's own browser download cannot run on our machines. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and with nothing that would reach for the internet, which our machines do not have. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
