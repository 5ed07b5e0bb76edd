import { describe, expect, it } from 'vitest';
import { connectionNames, DeadNodeWatch } from './dead-node-watch.ts';

const set = (...ids: string[]): Set<string> => new Set(ids);

describe('dead node watch', () => {
  it('declares a node dead once it has had no connection for the confirmation time, over two polls', () => {
    const w = new DeadNodeWatch('a', 300);
    expect(w.observe(set('a', 'b'), ['a', 'b'], 0)).toEqual([]);
    expect(w.anyMissing(set('a', 'b'))).toBe(false);
    expect(w.anyMissing(set('a'))).toBe(true);
    expect(w.observe(set('a'), ['a', 'b'], 150)).toEqual([]); // first poll without b
    expect(w.observe(set('a'), ['a', 'b'], 300)).toEqual([]); // 150 ms: could be a reconnect
    expect(w.observe(set('a'), ['a', 'b'], 450)).toEqual(['b']);
    expect(w.observe(set('a'), ['a', 'b'], 600)).toEqual([]); // once per absence
  });

  it('a reconnect within the confirmation time is not a death', () => {
    const w = new DeadNodeWatch('a', 300);
    w.observe(set('a', 'b'), ['a', 'b'], 0);
    w.observe(set('a'), ['a', 'b'], 150);
    expect(w.observe(set('a', 'b'), ['a', 'b'], 300)).toEqual([]);
    // Missing again later: the clock starts over.
    expect(w.observe(set('a'), ['a', 'b'], 1_000)).toEqual([]);
    expect(w.observe(set('a'), ['a', 'b'], 1_200)).toEqual([]);
    expect(w.observe(set('a'), ['a', 'b'], 1_300)).toEqual(['b']);
  });

  it('never declares a node it has not seen connected, one that left the registry, or itself', () => {
    const w = new DeadNodeWatch('a', 300);
    // c registered but never seen with a named connection (an older node): leases cover it.
    for (const t of [0, 200, 400, 600]) expect(w.observe(set('b'), ['a', 'b', 'c'], t)).toEqual([]);
    // b leaves cleanly: out of the registry, then its connections close.
    w.observe(set(), ['a'], 700);
    for (const t of [800, 1_000, 1_200]) expect(w.observe(set(), ['a'], t)).toEqual([]);
    expect(w.anyMissing(set())).toBe(false);
  });

  it('declares a node dead again after it came back and crashed again', () => {
    const w = new DeadNodeWatch('a', 100);
    w.observe(set('b'), ['a', 'b'], 0);
    w.observe(set(), ['a', 'b'], 100);
    expect(w.observe(set(), ['a', 'b'], 200)).toEqual(['b']);
    w.observe(set('b'), ['a', 'b'], 5_000);
    w.observe(set(), ['a', 'b'], 5_100);
    expect(w.observe(set(), ['a', 'b'], 5_200)).toEqual(['b']);
  });

  it('reads connection names from CLIENT LIST, skipping unnamed ones', () => {
    const reply = [
      'id=3 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=node1 age=3 idle=0 flags=N db=0',
      'id=4 addr=127.0.0.1:5001 laddr=127.0.0.1:6379 fd=9 name= age=3 idle=0 flags=N db=0',
      'id=5 addr=127.0.0.1:5002 laddr=127.0.0.1:6379 fd=10 name=node-2 age=1 idle=0 flags=P db=0',
      '',
    ].join('\n');
    expect(connectionNames(reply)).toEqual(set('node1', 'node-2'));
  });
});
