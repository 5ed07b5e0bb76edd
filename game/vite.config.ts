import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The game page is built into dist/game, which the game server serves at `/`. The lobby (React,
// Redux Toolkit, the SDK) is the entry chunk; Phaser and the scenes come in a chunk of their own
// through a dynamic import (game/src/scenes/game-view.ts), so the lobby does not wait for them.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/game', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000, // Phaser alone is ~1.2 MB minified
  },
});
