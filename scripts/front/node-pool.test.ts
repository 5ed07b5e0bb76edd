import { describe, expect, it } from 'vitest';
import { leastBusy, rendezvous } from './node-pool.ts';

const nodes = ['http://127.0.0.1:3001', 'http://127.0.0.1:3002', 'http://127.0.0.1:3003'].map((url) => ({ url, websocketsOpen: 0, lastPicked: 0 }));
const addresses = Array.from({ length: 3000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${i % 7}`);

describe('routing', () => {
  it('sticky: an address always gets the same node, and the addresses share the nodes', () => {
    const counts = new Map<string, number>();
    for (const a of addresses) {
      const first = rendezvous(a, nodes)!;
      expect(rendezvous(a, nodes)).toBe(first);
      counts.set(first.url, (counts.get(first.url) ?? 0) + 1);
    }
    // About a third each; anything under a quarter would mean the hash clumps.
    for (const n of nodes) expect(counts.get(n.url)).toBeGreaterThan(addresses.length / 4);
  });

  it('sticky: when a node goes away only its own clients move, and they spread over the others', () => {
    const before = new Map(addresses.map((a) => [a, rendezvous(a, nodes)!]));
    const survivors = nodes.slice(1);
    const movedTo = new Map<string, number>();
    for (const a of addresses) {
      const now = rendezvous(a, survivors)!;
      if (before.get(a) !== nodes[0]) expect(now).toBe(before.get(a));
      else movedTo.set(now.url, (movedTo.get(now.url) ?? 0) + 1);
    }
    expect(movedTo.size).toBe(2);
  });

  it('no ready node, no pick', () => {
    expect(rendezvous('127.0.0.1', [])).toBeNull();
    expect(leastBusy([])).toBeNull();
  });

  it('new WebSockets go to the node with the fewest open ones, ties in turn', () => {
    const pool = nodes.map((n) => ({ ...n }));
    let seq = 0;
    const pick = (): string => {
      const n = leastBusy(pool)!;
      n.websocketsOpen += 1;
      n.lastPicked = ++seq;
      return n.url;
    };
    expect(new Set([pick(), pick(), pick()]).size).toBe(3);
    // All equal again: the same order comes round.
    expect([pick(), pick(), pick()]).toEqual(nodes.map((n) => n.url));
    pool[1]!.websocketsOpen = 0; // a node came back empty: it gets the next ones
    expect([pick(), pick()]).toEqual([nodes[1]!.url, nodes[1]!.url]);
  });
});
