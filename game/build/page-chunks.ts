/**
 * What index.html says about the page's two dynamically imported chunks, added once the build
 * knows their file names:
 *
 * - the lobby (`main`: React, Redux, the SDK) gets a `<link rel="modulepreload">`, and so does
 *   each chunk it imports statically: the small entry module (game/src/boot.ts) imports it only
 *   after it has started signing in, and without the hint the browser would not ask for the
 *   lobby's bytes until the entry had run;
 * - the game chunk (Phaser and the scenes) gets a `<meta name="arena-game-chunk">` with its
 *   address and size: a dynamic `import()` reports no progress, so the page fetches the chunk
 *   itself first, counting bytes against this size for its progress bar, then imports it from
 *   the HTTP cache (game/src/app/chunk-loader.ts). The size is the file's own (decoded) size: a
 *   streamed response body is counted decoded, whatever Content-Encoding carried it.
 */
import type { Plugin } from 'vite';

export const GAME_CHUNK_META = 'arena-game-chunk';

/** What the chunking asks of the module graph (Rolldown's ChunkingContext). */
export interface ModuleGraph {
  getModuleInfo(id: string): { importers: readonly string[]; dynamicImporters: readonly string[] } | null;
}

/** A game's page module (the page's list imports each on first need). */
export const PAGE_GAME_MODULE = /\/game\/src\/games\/[^/]+\/index\.ts$/;

/** The match's React screens (HUD, results, replay controls), drawn only once the game chunk is in. */
export const MATCH_SCREENS = /\/game\/src\/ui\/match-screens\.tsx$/;

/**
 * The game chunk's name for the modules that belong in it, else null (`output.codeSplitting`'s
 * group name function). They are Phaser, the game view and what scenes share (src/scenes/,
 * src/phaser/), each game's scene (a module of src/games/<id>/ that only the game's page module
 * imports, dynamically), the match's screens (src/ui/match-screens.tsx: nothing draws them before
 * the game chunk has loaded, and a cold load of the lobby need not compile them), and whatever
 * only those import (a game's textures, the HUD). Left to itself the bundler makes each scene a
 * chunk, Phaser another, and the progress bar would count the smallest.
 */
export function gameChunkName(name: string): (id: string, graph: ModuleGraph) => string | null {
  return (id, graph) => {
    const memo = new Map<string, boolean>();
    const drawing = (m: string): boolean => {
      const known = memo.get(m);
      if (known !== undefined) return known;
      memo.set(m, false); // an import cycle proves nothing
      const path = m.replaceAll('\\', '/');
      const info = graph.getModuleInfo(m);
      let yes = /\/node_modules\/phaser\//.test(path) || /\/game\/src\/(scenes|phaser)\//.test(path) || MATCH_SCREENS.test(path);
      if (!yes && info) {
        // (A game's page module, src/games/<id>/index.ts, is dynamically imported too, by the
        // page's list: it is a chunk of its own that the lobby loads early, not part of Phaser's.)
        const scene = /\/game\/src\/games\/[^/]+\//.test(path) && !PAGE_GAME_MODULE.test(path) && info.importers.length === 0 && info.dynamicImporters.length > 0;
        const onlyFromDrawing = info.dynamicImporters.length === 0 && info.importers.length > 0 && info.importers.every(drawing);
        yes = scene || onlyFromDrawing;
      }
      memo.set(m, yes);
      return yes;
    };
    return drawing(id) ? name : null;
  };
}

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
        // App.tsx asks for the screens only once the game chunk has loaded: elsewhere, that import could fail on its own.
        if (!game.moduleIds.some((id) => MATCH_SCREENS.test(id.replaceAll('\\', '/')))) {
          throw new Error(`the match's screens (src/ui/match-screens.tsx) are not in the game chunk ${game.fileName}`);
        }
        // The chunks the lobby's chunk imports statically (the bundler may split off a small module
        // the lobby shares with chunks loaded later): the lobby cannot run before they are in, and
        // without a hint the browser asks for them only once the lobby's chunk has been parsed or
        // the entry has run, a round trip more on a cold load.
        const entries = new Set(Object.values(ctx.bundle ?? {}).flatMap((c) => (c.type === 'chunk' && c.isEntry ? [c.fileName] : [])));
        const lobbyImports = lobby.imports.filter((f) => !entries.has(f));
        return [
          ...[lobby.fileName, ...lobbyImports].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
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
