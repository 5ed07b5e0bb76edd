/**
 * Tells the page where the game chunk (Phaser and the scenes) is and how many bytes it has,
 * in a `<meta name="arena-game-chunk">` of index.html: a dynamic `import()` reports no
 * progress, so the page fetches the chunk itself first, counting bytes against this size for
 * its progress bar, and then imports it from the HTTP cache (game/src/app/chunk-loader.ts).
 * The size is the file's own (decoded) size: a streamed response body is counted decoded,
 * whatever Content-Encoding carried it.
 */
import type { Plugin } from 'vite';

export const GAME_CHUNK_META = 'arena-game-chunk';

export function gameChunkMeta(chunkName: string): Plugin {
  return {
    name: 'arena-game-chunk-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === chunkName && !c.isEntry);
        if (!chunk || chunk.type !== 'chunk') throw new Error(`no chunk named ${chunkName} in the build: the page's progress bar needs it`);
        return [
          {
            tag: 'meta',
            attrs: { name: GAME_CHUNK_META, content: `./${chunk.fileName}`, 'data-bytes': String(Buffer.byteLength(chunk.code)) },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}
