import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { gameChunkName, pageChunks } from './build/page-chunks.ts';
import { precompress } from './build/precompress.ts';

// The game page is built into dist/game, which the game server serves at `/`. Three chunks: a
// small entry (src/boot.ts) that starts signing in at once; the lobby (src/main.tsx: React, Redux
// Toolkit, the SDK), preloaded beside it; Phaser and the scenes, imported once the lobby is up
// (src/scenes/game-view.ts), so the lobby does not wait for them (build/page-chunks.ts). Every
// text file is also written Brotli- and gzip-compressed (build/precompress.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [pageChunks({ lobby: 'main', game: 'game-view' }), precompress()],
  build: {
    outDir: fileURLToPath(new URL('../dist/game', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000, // Phaser alone is ~1.2 MB minified
    // Phaser and every game's scene (each game's page module imports its own scene dynamically) in
    // the one game chunk: one fetch, one progress bar. Only what nothing in the lobby imports: a
    // module the lobby shares with a scene stays in the lobby's chunk.
    rolldownOptions: { output: { codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: gameChunkName('game-view') }] } } },
    // Every browser the page supports (ES2022, WebSocket, module scripts) follows
    // <link rel="modulepreload"> itself; the polyfill was ~1 KB of the entry, run on every load.
    modulePreload: { polyfill: false },
  },
});
