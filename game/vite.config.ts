import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { gameChunkMeta } from './build/game-chunk-meta.ts';
import { precompress } from './build/precompress.ts';

// The game page is built into dist/game, which the game server serves at `/`. The lobby (React,
// Redux Toolkit, the SDK) is the entry chunk; Phaser and the scenes come in a chunk of their own
// through a dynamic import (game/src/scenes/game-view.ts), so the lobby does not wait for them.
// Every text file is also written Brotli- and gzip-compressed (build/precompress.ts), and the
// page learns the game chunk's address and size (build/game-chunk-meta.ts) for its progress bar.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [gameChunkMeta('game-view'), precompress()],
  build: {
    outDir: fileURLToPath(new URL('../dist/game', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000, // Phaser alone is ~1.2 MB minified
  },
});
