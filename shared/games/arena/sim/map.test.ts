import { describe, expect, it } from 'vitest';
import { arenaMap, distanceToRect, squareOverlapsWall, validateMap } from './map.ts';
import { defaultRules } from './rules.ts';

const rules = defaultRules();
const map = arenaMap();

describe('arena map', () => {
  it('is 1600 x 1000 with about eight walls inside the arena', () => {
    expect(map.width).toBe(1600);
    expect(map.height).toBe(1000);
    expect(map.walls.length).toBe(8);
    expect(() => validateMap(map, rules)).not.toThrow();
  });

  it('has 8 spawn points clear of every wall by playerRadius + 8', () => {
    expect(map.spawns.length).toBe(8);
    for (const s of map.spawns) {
      for (const w of map.walls) expect(distanceToRect(s.x, s.y, w)).toBeGreaterThanOrEqual(rules.playerRadius + 8);
    }
  });

  it('seals nothing off: a player can walk from any spawn to every open spot', () => {
    // Flood fill over player-centre positions on an 8 px lattice; a step is allowed when both ends
    // are clear (steps of 8 px are smaller than any wall, so no wall is jumped).
    const stepPx = 8;
    const r = rules.playerRadius;
    const cols = Math.floor((map.width - 2 * r) / stepPx) + 1;
    const rows = Math.floor((map.height - 2 * r) / stepPx) + 1;
    const at = (c: number, rw: number) => ({ x: r + c * stepPx, y: r + rw * stepPx });
    const open = (c: number, rw: number) => {
      const p = at(c, rw);
      return !squareOverlapsWall(map, p.x, p.y, r);
    };
    const seen = new Uint8Array(cols * rows);
    const first = map.spawns[0] ?? { x: 0, y: 0 };
    const start: [number, number] = [Math.round((first.x - r) / stepPx), Math.round((first.y - r) / stepPx)];
    const queue: [number, number][] = [start];
    seen[start[1] * cols + start[0]] = 1;
    while (queue.length > 0) {
      const [c, rw] = queue.pop() as [number, number];
      for (const [dc, dr] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
        const nc = c + dc;
        const nr = rw + dr;
        if (nc < 0 || nr < 0 || nc >= cols || nr >= rows || seen[nr * cols + nc] || !open(nc, nr)) continue;
        seen[nr * cols + nc] = 1;
        queue.push([nc, nr]);
      }
    }
    let openCells = 0;
    let reached = 0;
    for (let rw = 0; rw < rows; rw++) {
      for (let c = 0; c < cols; c++) {
        if (!open(c, rw)) continue;
        openCells++;
        if (seen[rw * cols + c]) reached++;
      }
    }
    expect(reached).toBe(openCells);
    for (const s of map.spawns) {
      expect(seen[Math.round((s.y - r) / stepPx) * cols + Math.round((s.x - r) / stepPx)]).toBe(1);
    }
  });

  it('rejects a map whose spawn point sits against a wall', () => {
    const bad = { ...map, spawns: [{ x: 240, y: 380 }] };
    expect(() => validateMap(bad, rules)).toThrow(RangeError);
  });

  it('each call returns a fresh map (no shared mutable state)', () => {
    const first = arenaMap().walls[0];
    if (first) first.x = 0;
    expect(arenaMap().walls[0]?.x).toBe(360);
  });
});
