/**
 * globalSetup of the suites that start processes (vitest.config.ts): builds the bundles of the
 * game server and the load-test CLI those processes run from (built-entries.ts), and removes
 * them when the run ends.
 */
import { buildEntries } from './built-entries.ts';

export default async function setup(): Promise<() => void> {
  return buildEntries();
}
