import { describe, expect, it } from 'vitest';
import { fetchCounting, gameChunkOf, type LoadProgress } from './chunk-loader.ts';

/** A fetch whose body arrives in the given pieces. */
function streaming(pieces: number[], status = 200): typeof fetch {
  return (async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const n of pieces) c.enqueue(new Uint8Array(n));
          c.close();
        },
      }),
      { status },
    )) as typeof fetch;
}

describe('fetchCounting', () => {
  it('reports the decoded bytes as they arrive, then complete', async () => {
    const seen: LoadProgress[] = [];
    await fetchCounting('http://x/game.js', 100, (p) => seen.push(p), { fetch: streaming([30, 30, 40]), everyBytes: 25 });
    expect(seen).toEqual([
      { loaded: 0, total: 100 },
      { loaded: 30, total: 100 },
      { loaded: 60, total: 100 },
      { loaded: 100, total: 100 },
      { loaded: 100, total: 100 },
    ]);
  });

  it('never reports past the total it was told, and ends at the real size without one', async () => {
    const told: LoadProgress[] = [];
    await fetchCounting('http://x/game.js', 50, (p) => told.push(p), { fetch: streaming([40, 40]), everyBytes: 1 });
    expect(Math.max(...told.map((p) => p.loaded))).toBe(50);
    const unknown: LoadProgress[] = [];
    await fetchCounting('http://x/game.js', null, (p) => unknown.push(p), { fetch: streaming([10, 20]), everyBytes: 1 });
    expect(unknown.at(-1)).toEqual({ loaded: 30, total: 30 });
    expect(unknown[1]).toEqual({ loaded: 10, total: null });
  });

  it('rejects an error answer and a network failure', async () => {
    await expect(fetchCounting('http://x/game.js', 10, () => {}, { fetch: streaming([1], 404) })).rejects.toThrow('404');
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(fetchCounting('http://x/game.js', 10, () => {}, { fetch: down })).rejects.toThrow('Failed to fetch');
  });
});

describe('gameChunkOf', () => {
  const doc = (meta: { content: string; dataset: Record<string, string> } | null) => ({ querySelector: () => meta }) as unknown as Document;
  it("reads the build's meta tag, resolved against the page", () => {
    expect(gameChunkOf(doc({ content: './assets/game-view-x.js', dataset: { bytes: '1386490' } }), 'http://h:1/')).toEqual({ url: 'http://h:1/assets/game-view-x.js', bytes: 1386490 });
    expect(gameChunkOf(doc({ content: './assets/g.js', dataset: { bytes: 'lots' } }), 'http://h/')).toEqual({ url: 'http://h/assets/g.js', bytes: null });
    expect(gameChunkOf(doc(null), 'http://h/')).toBeNull();
  });
});
