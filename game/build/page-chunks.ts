/**
 * What index.html says about the page's two dynamically imported chunks, added once the build
 * knows their file names:
 *
 * - the lobby (`main`: React, Redux, the SDK) gets a `<link rel="modulepreload">`: the small
 *   entry module (game/src/boot.ts) imports it only after it has started signing in, and without
 *   the hint the browser would not ask for the lobby's bytes until the entry had run;
 * - the game chunk (Phaser and the scenes) gets a `<meta name="arena-game-chunk">` with its
 *   address and size: a dynamic `import()` reports no progress, so the page fetches the chunk
 *   itself first, counting bytes against this size for its progress bar, then imports it from
 *   the HTTP cache (game/src/app/chunk-loader.ts). The size is the file's own (decoded) size: a
 *   streamed response body is counted decoded, whatever Content-Encoding carried it.
 */
import type { Plugin } from 'vite';

export const GAME_CHUNK_META = 'arena-game-chunk';

export function pageChunks(names: { lobby: string; game: string }): Plugin {
  return {
    name: 'arena-page-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunkNamed = (name: string) => {
          const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === name && !c.isEntry);
          if (!chunk || chunk.type !== 'chunk') throw new Error(`no chunk named ${name} in the build (game/vite.config.ts names the page's chunks)`);
          return chunk;
        };
        const lobby = chunkNamed(names.lobby);
        const game = chunkNamed(names.game);
        return [
          { tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${lobby.fileName}` }, injectTo: 'head' },
          {
            tag: 'meta',
            attrs: { name: GAME_CHUNK_META, content: `./${game.fileName}`, 'data-bytes': String(Buffer.byteLength(game.code)) },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}
