import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The game page is built into dist/game, which the game server serves at `/`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/game', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000, // Phaser alone is ~1.2 MB minified
  },
});
