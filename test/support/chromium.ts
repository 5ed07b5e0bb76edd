/**
 * Headless Debian Chromium through playwright-core (never a downloaded browser), two ways:
 *
 * - `launchChromium()`: a browser process of its own with a fresh profile on disk, for scripts
 *   that measure a cold start (test/browser/page-figures.ts).
 * - `launchChromiumServer()` + `connectChromium(endpoint)`: the browser suite starts Chromium once
 *   (chromium-setup.ts, a vitest globalSetup) and each test file connects to it and gets its own
 *   browser context: separate cookies, storage and cache, as separate profiles would have, without
 *   starting a browser per file (a launch costs 1-2 s of a core on the 2-core test machine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions, type BrowserServer } from 'playwright-core';

const VIEWPORT = { width: 1280, height: 860 };

const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** Its `close()` removes the profile too: every cold load makes one, and each is tens of MB. */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'arena-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { ...LAUNCH, viewport: VIEWPORT });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const closeContext = context.close.bind(context);
  context.close = async (options) => {
    try {
      await closeContext(options);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  };
  return context;
}

/** One Chromium that test files connect to over its WebSocket endpoint (`wsEndpoint()`). */
export function launchChromiumServer(): Promise<BrowserServer> {
  return chromium.launchServer(LAUNCH);
}

/**
 * A new browser context in the shared Chromium. Its `close()` closes this file's connection too,
 * after the context (the shared browser goes on for the other files): a connection left open
 * would keep the test worker alive. `options`: a phone's viewport and touch, say.
 */
export async function connectChromium(wsEndpoint: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const browser = await chromium.connect(wsEndpoint);
  const context = await browser.newContext({ viewport: VIEWPORT, ...options });
  const closeContext = context.close.bind(context);
  context.close = async (options) => {
    await closeContext(options);
    await browser.close();
  };
  return context;
}
