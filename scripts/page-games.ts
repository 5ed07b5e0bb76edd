/**
 * Where the page names a game outside its game modules. Each game's page-side code lives in
 * game/src/games/<id>/ and the page lists them once (game/src/games/index.ts); a file elsewhere
 * in game/src that names a game is how "picks Arena for an unknown id" starts again. A file
 * names a game when it
 * - imports a game's code: `shared/games/<any>/…` or `game/src/games/<id>/…` (only the list,
 *   game/src/games/index.ts, may be imported from outside);
 * - has a game's id as a whole string literal (`'arena'`, "cycles");
 * - has an identifier built on a game's name (`ArenaScene`, `cyclesModel`).
 * The product's own name is Arena too: `window.arena`, the `arena.nickname` key and the
 * `arena-game-chunk` meta are none of these.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The game ids: the folders of shared/games/ and game/src/games/. */
export function gameIds(repo: string): string[] {
  const ids = new Set<string>();
  for (const dir of ['shared/games', 'game/src/games']) {
    const abs = join(repo, dir);
    if (!existsSync(abs)) continue;
    for (const e of readdirSync(abs, { withFileTypes: true })) if (e.isDirectory()) ids.add(e.name);
  }
  return [...ids].sort();
}

/** Every .ts/.tsx file under game/src outside game/src/games/, tests included, by posix path. */
export function pageSources(repo: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const rel = relative(repo, path).split(sep).join('/');
      if (e.isDirectory()) {
        if (rel !== 'game/src/games') walk(path);
      } else if (/\.tsx?$/.test(e.name)) files.set(rel, readFileSync(path, 'utf8'));
    }
  };
  walk(join(repo, 'game/src'));
  return files;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** One line per place a file names a game ("path:line: what"), empty when none does. */
export function gameMentions(files: ReadonlyMap<string, string>, ids: readonly string[]): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
    for (const m of text.matchAll(IMPORT)) {
      const target = posix.normalize(posix.join(posix.dirname(path), m[1]!));
      if (target.startsWith('shared/games/') || (target.startsWith('game/src/games/') && target !== 'game/src/games/index.ts')) {
        out.push(`${path}:${lineOf(m.index)}: imports ${m[1]}`);
      }
    }
    for (const id of ids) {
      const literal = new RegExp(`(['"\`])${escape(id)}\\1`, 'g');
      const ident = new RegExp(`\\b(?:${escape(id)}|${escape(capital(id))})[A-Z]\\w*`, 'g');
      for (const m of text.matchAll(literal)) out.push(`${path}:${lineOf(m.index)}: the id ${m[0]}`);
      for (const m of text.matchAll(ident)) out.push(`${path}:${lineOf(m.index)}: ${m[0]}`);
    }
  }
  return out.sort();
}
