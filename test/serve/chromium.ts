/** Debian's Chromium, headless, driven by puppeteer-core: for the test of `medslip serve` in a real browser. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * @throws Error with the install command when Chromium is missing: the browser test never passes without a browser.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser test of medslip serve needs Debian's Chromium. `
      + 'Install it with `npm run setup` (as root) or `apt-get install --no-install-recommends chromium fonts-dejavu-core`.');
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    protocolTimeout: 90_000, // a stuck page fails the test instead of hanging it
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'medslip-chromium-'))}`],
  });
}
