import { describe, expect, it } from 'vitest';
import { explainLoop, folderEdges, folderLoops, folderOf, readSources, repoRoot } from './folder-graph.ts';

describe('folder import graph', () => {
  it('has no loops between the folders of server, shared, game and loadtest', () => {
    const files = readSources(repoRoot());
    // The walk found the code (a wrong root would make this test pass on nothing).
    expect(files.has('server/app.ts')).toBe(true);
    expect(files.has('game/src/scenes/game-view.ts')).toBe(true);
    const edges = folderEdges(files);
    const loops = folderLoops(edges);
    expect(loops.map((loop) => `${loop.join(' ↔ ')}\n${explainLoop(loop, edges)}`)).toEqual([]);
  });

  it('finds a loop made by a type import, and names the imports that make it', () => {
    const files = new Map([
      ['server/net/match-room.ts', "import type { NodeBus } from '../cluster/node-bus.ts';"],
      ['server/cluster/node-bus.ts', "export class NodeBus {}"],
      ['server/cluster/remote-matches.ts', "import { matchRoom } from '../net/match-room.ts';"],
    ]);
    const edges = folderEdges(files);
    const loops = folderLoops(edges);
    expect(loops).toEqual([['server/cluster', 'server/net']]);
    expect(explainLoop(loops[0]!, edges)).toContain('server/net/match-room.ts → ../cluster/node-bus.ts');
  });

  it('finds a loop through three folders, and one through a dynamic import', () => {
    const three = folderLoops(
      folderEdges(
        new Map([
          ['shared/a/x.ts', "export { y } from '../b/y.ts';"],
          ['shared/b/y.ts', "import { z } from '../c/z.ts';"],
          ['shared/c/z.ts', "import { x } from '../a/x.ts';"],
        ]),
      ),
    );
    expect(three).toEqual([['shared/a', 'shared/b', 'shared/c']]);
    const dynamic = folderLoops(
      folderEdges(
        new Map([
          ['game/src/phaser/view.ts', "const scene = await import('../scenes/arena.ts');"],
          ['game/src/scenes/arena.ts', "import { tex } from '../phaser/textures.ts';"],
        ]),
      ),
    );
    expect(dynamic).toEqual([['game/src/phaser', 'game/src/scenes']]);
  });

  it('counts the files directly in a root one by one, so a leaf beside the composition is no loop', () => {
    expect(folderOf('server/config.ts')).toBe('server/config.ts');
    expect(folderOf('server/net/payload.ts')).toBe('server/net');
    const edges = folderEdges(
      new Map([
        ['server/app.ts', "import { attach } from './net/lobby-namespace.ts';"],
        ['server/net/lobby-namespace.ts', "import type { Logger } from '../log.ts';"],
        ['server/log.ts', ''],
      ]),
    );
    expect(folderLoops(edges)).toEqual([]);
    // The same files with the root as one folder would be a loop.
    expect(folderLoops(folderEdges(new Map([['server/app.ts', "import './net/a.ts';"], ['server/net/a.ts', "import '../log.ts';"]]), []))).toEqual([['server', 'server/net']]);
  });
});
