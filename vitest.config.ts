import { defineConfig } from 'vitest/config';

// Files that judge rates and delays of a load they make themselves (load-test bots: snapshot
// rate and gaps, time to kick a flood, RSS; polling players: ~40 HTTP requests a
// second each, inputs acknowledged per tick) get the machine to themselves, after the other
// integration files. Beside another file on a 2-core machine their figures would be the other
// file's too.
const ALONE = [
  'test/integration/fuzz.test.ts',
  'test/integration/flood.test.ts',
  'test/integration/slow-reader.test.ts',
  'test/integration/loadtest.test.ts',
  'test/integration/polling.test.ts',
  'test/integration/polling-cluster.test.ts',
];

// Load tests across a node going away (a kill -9, a SIGTERM drain, a rolling deploy) and a node
// dying halfway through a hand-over: what they judge is counts and order (every bot dropped is
// back in a match within 5 s, none lost, no join refused, one owner per match), not rates, and
// each uses a fifth of the machine on average (at most one core for a second or two). They run
// two at a time, after the other integration files and before the ALONE ones.
const PAIR = [
  'test/integration/rolling-deploy.test.ts',
  'test/integration/rolling-deploy-outage.test.ts',
  'test/integration/loadtest-failover.test.ts',
  'test/integration/loadtest-drain.test.ts',
  'test/integration/handover-crash.test.ts',
];

// Browser files that judge the page's timing under Chromium's software rendering (the drawn
// opponent's smoothness, hits on a runner at 150 ms, the fixture game's dot drawn where its
// snapshot puts it within a 2 s match): one at a time, after the others. The other
// browser files mostly wait on their servers (a lobby file keeps ~26 % of one core busy), so
// they run two at a time, each in its own browser context of one shared Chromium.
const TIMED_PAGES = ['test/browser/game-page.test.ts', 'test/browser/hit-rate-page.test.ts', 'test/browser/fixture-game-page.test.ts'];

// The suites that start game servers and load-test bots run them from bundles built once per run
// (test/support/built-entries.ts): a process starts in ~0.4 s instead of 1–4 s through tsx.
const ENTRIES_SETUP = 'test/support/entries-setup.ts';

// Six suites, run in this order by scripts/test.sh (and by a bare `vitest run`: groupOrder):
// fast pure tests, then suites that start real processes (server, redis-server), then suites
// that drive Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'game/**/*.test.ts', 'loadtest/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          // One worker process per core runs file after file without a fresh module graph for each:
          // the code under test keeps no module-level state, and a fresh fork per file cost more
          // than the tests (unit suite on 2 cores: 59-92 s isolated, 30-46 s not).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // Files run three at a time: each starts its own processes on its own ports (PORT=0, or
          // freePort below the ephemeral range) with its own temporary directories, and most of
          // their time is spent waiting on those processes (three against two: 76 against 104-108 s
          // for this part on 2 cores, two interleaved pairs).
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...ALONE, ...PAIR],
          environment: 'node',
          globalSetup: [ENTRIES_SETUP],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'integration-pair',
          include: PAIR,
          environment: 'node',
          globalSetup: [ENTRIES_SETUP],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'integration-alone',
          include: ALONE,
          environment: 'node',
          globalSetup: [ENTRIES_SETUP],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // One after another in one worker: their own processes keep them apart, their imports load once.
          isolate: false,
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          exclude: TIMED_PAGES,
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          maxWorkers: 2,
          // Each worker runs its files one after another with one module graph: each file's own
          // server process and browser context keep them apart, and its imports load once.
          isolate: false,
          globalSetup: [ENTRIES_SETUP, 'test/support/chromium-setup.ts'],
          sequence: { groupOrder: 4 },
        },
      },
      {
        test: {
          name: 'browser-timed',
          include: TIMED_PAGES,
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
          isolate: false,
          globalSetup: [ENTRIES_SETUP, 'test/support/chromium-setup.ts'],
          sequence: { groupOrder: 5 },
        },
      },
    ],
  },
});
