/**
 * The import graph between the repository's folders, and its loops. A folder is a module's
 * unit of ownership (server/net, shared/protocol…): when two folders import each other, neither
 * can be understood, tested or moved without the other, and a type moved to the wrong one is
 * how it starts. Files directly in a root (server/config.ts, server/log.ts, shared/result.ts)
 * count one by one: the root holds the composition (server/app.ts) beside small leaves.
 *
 * Relative imports only (`import … from './x.ts'`, `export … from`, `import('./x.ts')`), type
 * imports included: a type import ties the folders as much as any other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders the graph is drawn over, relative to the repository root. */
export const ROOTS = ['server', 'shared', 'game/src', 'loadtest'];

/** An edge from one folder to another, with the imports that make it. */
export interface FolderEdge {
  from: string;
  to: string;
  imports: string[];
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** `path` (posix, relative to the repository) as a node of the graph. */
export function folderOf(path: string, roots: readonly string[] = ROOTS): string {
  const dir = posix.dirname(path);
  return roots.includes(dir) ? path : dir;
}

/** Edges between distinct folders, from source texts keyed by their posix paths. */
export function folderEdges(files: ReadonlyMap<string, string>, roots: readonly string[] = ROOTS): FolderEdge[] {
  const edges = new Map<string, FolderEdge>();
  for (const [path, text] of files) {
    for (const match of text.matchAll(IMPORT)) {
      const target = posix.normalize(posix.join(posix.dirname(path), match[1]!));
      const from = folderOf(path, roots);
      const to = folderOf(target, roots);
      if (from === to) continue;
      const key = `${from}\n${to}`;
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { from, to, imports: [] }));
      edge.imports.push(`${path} → ${match[1]}`);
    }
  }
  return [...edges.values()];
}

/** The loops: every group of two or more folders that reach each other (Tarjan's components). */
export function folderLoops(edges: readonly FolderEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.has(e.to)) next.set(e.to, []);
    next.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) loops.push(component.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return loops;
}

/**
 * The shipped TypeScript sources under the roots of the repository at `repo`, keyed by posix
 * path. Tests and benchmarks are left out: they consume folders (a test of the fan-out may
 * replay a recording from loadtest/bench) and are not part of any folder's own graph.
 */
export function readSources(repo: string, roots: readonly string[] = ROOTS): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(entry.name) && !/\.(test|bench)\.tsx?$/.test(entry.name)) files.set(relative(repo, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  for (const root of roots) walk(join(repo, root));
  return files;
}

/** For a message: the imports that make the edges inside one loop. */
export function explainLoop(loop: readonly string[], edges: readonly FolderEdge[]): string {
  const inside = new Set(loop);
  return edges
    .filter((e) => inside.has(e.from) && inside.has(e.to))
    .map((e) => `${e.from} → ${e.to}:\n    ${e.imports.join('\n    ')}`)
    .join('\n');
}

/** The repository this file is in. */
export const repoRoot = (): string => join(dirname(fileURLToPath(import.meta.url)), '..');
