/**
 * The processes the integration and browser tests start (game servers, load-test bots) run from
 * one-file bundles of their entry points, built once per test run by esbuild from the same
 * sources, instead of through tsx's loader. Through tsx a start costs 1–4 s of CPU on this
 * 2-core machine (every module transformed and loaded through loader hooks on another thread);
 * from a bundle about 0.4 s, and the suites start well over a hundred such processes.
 *
 * The code is the same: tsx transforms each file with esbuild, the bundle transforms them with
 * the same esbuild and joins them (packages stay in node_modules, imported as usual). Source maps
 * keep stack traces pointing at the .ts files.
 *
 * `entryCommand` is what test helpers spawn: the bundle when the suite's global set-up built one
 * (the environment variables below), otherwise `--import tsx <entry>` (scripts run outside
 * vitest, such as test/browser/page-figures.ts).
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Entry points the tests start as processes, by the variable that names their bundle. */
export const ENTRIES = {
  ARENA_TEST_SERVER_BUNDLE: 'server/main.ts',
  ARENA_TEST_LOADTEST_BUNDLE: 'loadtest/cli.ts',
} as const;

export type Entry = (typeof ENTRIES)[keyof typeof ENTRIES];

/** Node's arguments to run `entry` (a path from the repository's root). */
export function entryCommand(entry: Entry): string[] {
  const name = (Object.keys(ENTRIES) as (keyof typeof ENTRIES)[]).find((k) => ENTRIES[k] === entry)!;
  const bundle = process.env[name];
  return bundle ? ['--enable-source-maps', bundle] : ['--import', 'tsx', entry];
}

/**
 * Builds every entry into a directory of its own under node_modules/.cache (inside the repository,
 * so the bundles import packages from its node_modules), sets the variables for the test workers
 * this process starts, and returns the clean-up. Once per process: every project's global set-up
 * asks, the first builds.
 */
export function buildEntries(): Promise<() => void> {
  built ??= buildAll();
  return built;
}

let built: Promise<() => void> | undefined;

async function buildAll(): Promise<() => void> {
  const dir = join(ROOT, 'node_modules', '.cache', 'arena-tests', String(process.pid));
  mkdirSync(dir, { recursive: true });
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const out = join(dir, entry.replace(/[/.]/g, '-') + '.mjs');
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      outfile: out,
      write: false,
      logLevel: 'error',
    });
    // Written beside and renamed: a new file, never one shared with a hard-linked copy of node_modules.
    for (const file of result.outputFiles) {
      writeFileSync(`${file.path}.tmp`, file.contents);
      renameSync(`${file.path}.tmp`, file.path);
    }
    process.env[name] = out;
    console.log(`built ${entry} → ${relative(ROOT, out)}`);
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
