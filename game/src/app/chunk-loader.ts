/**
 * Fetches a script chunk counting its bytes, so the page can draw a progress bar while the game
 * chunk (Phaser, most of the page's bytes) loads: a dynamic `import()` tells nothing until it is
 * done. The chunk is fetched once, here; the `import()` that follows finds it in the HTTP cache
 * (the build serves it `immutable`, and the fetch asks like a module script does: same URL,
 * CORS mode, same-origin credentials).
 *
 * The expected size is the file's decoded size, written into the page by the build
 * (game/build/page-chunks.ts): a response body is read decoded, so a Brotli-compressed transfer
 * of 289 KB counts up to the file's 1.4 MB. Without the size (a development server) the bar has
 * no total and shows only that something is loading.
 */

export interface LoadProgress {
  /** Decoded bytes read so far. */
  loaded: number;
  /** The chunk's size, or null when unknown. */
  total: number | null;
}

/** Where the game chunk is and its size, from the `<meta name="arena-game-chunk">` the build adds. */
export function gameChunkOf(doc: Pick<Document, 'querySelector'>, base: string): { url: string; bytes: number | null } | null {
  const meta = doc.querySelector<HTMLMetaElement>('meta[name="arena-game-chunk"]');
  if (!meta?.content) return null;
  const bytes = Number(meta.dataset.bytes);
  return { url: new URL(meta.content, base).href, bytes: Number.isFinite(bytes) && bytes > 0 ? bytes : null };
}

/**
 * Reads `url` to its end, reporting progress at most every `everyBytes` (and once at the end).
 * Rejects on a network error or a non-2xx answer: the caller offers a retry.
 */
export async function fetchCounting(
  url: string,
  total: number | null,
  onProgress: (p: LoadProgress) => void,
  opts: { fetch?: typeof fetch; everyBytes?: number } = {},
): Promise<void> {
  const res = await (opts.fetch ?? fetch)(url, { mode: 'cors', credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const every = opts.everyBytes ?? 32 * 1024;
  let loaded = 0;
  let reported = 0;
  onProgress({ loaded, total });
  if (!res.body) {
    loaded = (await res.arrayBuffer()).byteLength;
  } else {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.byteLength;
      if (loaded - reported >= every) {
        reported = loaded;
        // Never past the total: a rebuilt chunk may be larger than the page was told.
        onProgress({ loaded: total === null ? loaded : Math.min(loaded, total), total });
      }
    }
  }
  onProgress({ loaded: total ?? loaded, total: total ?? loaded });
}
