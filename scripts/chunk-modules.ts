/**
 * What a built chunk is made of: its minified bytes attributed to the source files they came
 * from, by walking the chunk's source map (each mapping segment owns the bytes up to the next
 * segment on its line). Packages under node_modules are summed per package. It answers "what is
 * in the lobby chunk, and what would moving it save" before any code is moved: the bundler's own
 * report gives chunk sizes only.
 *
 *   npx vite build --config game/vite.config.ts --sourcemap
 *   node --import tsx scripts/chunk-modules.ts dist/game/assets/main-*.js [top]
 *
 * Raw (minified) bytes, not compressed ones: gzip's share of a module depends on its neighbours.
 */
import { readFileSync } from 'node:fs';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One segment's fields (Base64 VLQ, as in Source Map v3), relative to the previous segment. */
export function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) throw new Error(`not a Base64 VLQ digit: ${JSON.stringify(ch)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value % 2 === 1 ? -Math.floor(value / 2) : value / 2);
      value = 0;
      shift = 0;
    }
  }
  if (shift !== 0) throw new Error(`a segment ends inside a number: ${JSON.stringify(segment)}`);
  return out;
}

/** Bytes of `code` per source of `map` (bytes no segment maps to are counted as "(unmapped)"). */
export function bytesBySource(code: string, map: { sources: readonly string[]; mappings: string }): Map<string, number> {
  const lines = code.split('\n');
  const sizes = new Map<string, number>();
  const add = (key: string, n: number) => sizes.set(key, (sizes.get(key) ?? 0) + n);
  let source = 0;
  map.mappings.split(';').forEach((line, i) => {
    const text = lines[i] ?? '';
    let column = 0;
    const starts: { column: number; source: string }[] = [];
    for (const seg of line.split(',').filter(Boolean)) {
      const fields = decodeSegment(seg);
      column += fields[0] ?? 0;
      if (fields.length > 1) source += fields[1] ?? 0;
      starts.push({ column, source: fields.length > 1 ? (map.sources[source] ?? '(unmapped)') : '(unmapped)' });
    }
    add('(unmapped)', starts.length > 0 ? starts[0]!.column : text.length);
    starts.forEach((s, k) => add(s.source, (k + 1 < starts.length ? starts[k + 1]!.column : text.length) - s.column));
  });
  return sizes;
}

/** Sums the sources of one npm package (`nm:<package>`) and trims relative prefixes from the rest. */
export function byPackage(sizes: Map<string, number>): [string, number][] {
  const groups = new Map<string, number>();
  for (const [source, n] of sizes) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
    const key = pkg ? `nm:${pkg[1]}` : source.replace(/^(\.\.\/)+/, '');
    groups.set(key, (groups.get(key) ?? 0) + n);
  }
  return [...groups].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx scripts/chunk-modules.ts <chunk.js> [top]');
    process.exit(2);
  }
  const rows = byPackage(bytesBySource(readFileSync(file, 'utf8'), JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
  const total = rows.reduce((s, [, n]) => s + n, 0);
  console.log(`${String(total).padStart(8)} ${file}`);
  for (const [key, n] of rows.slice(0, Number(top ?? 60))) console.log(`${String(n).padStart(8)} ${key}`);
}
