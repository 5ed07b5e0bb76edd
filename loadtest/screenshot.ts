/**
 * `node --import tsx loadtest/screenshot.ts report.html [out.png]`: renders an HTML report in
 * headless Chromium (the system's /usr/bin/chromium through playwright-core) and saves a
 * full-page PNG, to look at a report the way a person would.
 */
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [input, output = input?.replace(/\.html?$/, '') + '.png'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node --import tsx loadtest/screenshot.ts report.html [out.png]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.screenshot({ path: output!, fullPage: true });
  console.log(output);
} finally {
  await browser.close();
}
