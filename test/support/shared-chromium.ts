/** A test file's own browser context in the suite's one Chromium (chromium-setup.ts). */
import type { BrowserContext, BrowserContextOptions } from 'playwright-core';
import { inject } from 'vitest';
import { connectChromium } from './chromium.ts';

export function sharedChromium(options?: BrowserContextOptions): Promise<BrowserContext> {
  return connectChromium(inject('chromiumEndpoint'), options);
}
