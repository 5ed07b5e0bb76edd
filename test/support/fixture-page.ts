/**
 * Builds the game page with another list of games in place of game/src/games/index.ts (a test's
 * list: the product's games and a fixture), for a browser test to serve (the server's
 * STATIC_DIR). Unminified and without the precompressed copies: the test needs a page that
 * works, not the product's bytes (about 2 s instead of 8 on a 2-core machine).
 */
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGE_LIST = `${ROOT}game/src/games/index.ts`;

/** `games`: the module (absolute path) that exports the test's `PAGE_GAMES`. */
export async function buildPageWith(games: string, outDir: string): Promise<void> {
  const swap: Plugin = {
    name: 'test-page-games',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      // Only the page's own import of the list: the test's list imports the product's.
      if (!importer || importer === games) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === PAGE_LIST ? games : null;
    },
  };
  await build({
    configFile: false,
    root: `${ROOT}game`,
    base: './',
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
    plugins: [swap],
    build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false, chunkSizeWarningLimit: 100_000 },
  });
}
