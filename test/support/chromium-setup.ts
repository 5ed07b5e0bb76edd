/**
 * globalSetup of the browser suite (vitest.config.ts): one Chromium for every browser test file,
 * which `sharedChromium()` (shared-chromium.ts) connects to. Stopped when the suite ends.
 */
import type { TestProject } from 'vitest/node';
import { launchChromiumServer } from './chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared Chromium's playwright endpoint (ws://127.0.0.1:…). */
    chromiumEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await launchChromiumServer();
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return () => server.close();
}
