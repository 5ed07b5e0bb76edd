import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { precompressDir } from './precompress.ts';

describe('precompressDir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arena-precompress-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes Brotli and gzip copies of text files that decode to the file, and skips the rest', async () => {
    mkdirSync(join(dir, 'assets'));
    const js = Buffer.from('const a = "lobby";\n'.repeat(500));
    writeFileSync(join(dir, 'assets', 'x.js'), js);
    writeFileSync(join(dir, 'index.html'), '<p>small</p>'); // under MIN_BYTES
    writeFileSync(join(dir, 'assets', 'pic.png'), Buffer.alloc(4096)); // not text
    const random = randomBytes(4096);
    writeFileSync(join(dir, 'assets', 'noise.json'), random); // does not compress: no copy
    const done = await precompressDir(dir);
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'x.js.br'))).equals(js)).toBe(true);
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'x.js.gz'))).equals(js)).toBe(true);
    expect(existsSync(join(dir, 'index.html.br'))).toBe(false);
    expect(existsSync(join(dir, 'assets', 'pic.png.gz'))).toBe(false);
    expect(done.find((d) => d.file.endsWith('noise.json'))).toMatchObject({ br: null, gzip: null });
    expect(existsSync(join(dir, 'assets', 'noise.json.br'))).toBe(false);
    const x = done.find((d) => d.file.endsWith('x.js'))!;
    expect(x.br).toBeLessThan(x.gzip!);
  });
});
