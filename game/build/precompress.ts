/**
 * Compresses the built page once, at build time, so no server compresses it per request: each
 * text file of the output gets a `.br` (Brotli, quality 11) and a `.gz` (gzip, level 9) beside
 * it. The game server (server/http/static-files.ts) and nginx's `gzip_static` / `brotli_static`
 * send whichever the browser accepts, with `Content-Encoding` and `Vary: Accept-Encoding`.
 *
 * Quality 11 is Brotli's slowest setting (about 3 s for Phaser's chunk) and is paid once per
 * build; a server compressing on the fly could not afford it and would send more bytes.
 * Files under MIN_BYTES (the page's HTML) are left alone: a compressed copy saves less than its
 * headers cost. A variant that is not at least 5 % smaller is not written either.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** The extensions worth compressing (text); images and fonts are compressed already. */
export const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.map', '.txt']);
export const MIN_BYTES = 1024;

export interface Precompressed {
  file: string;
  bytes: number;
  br: number | null;
  gzip: number | null;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes `file.br` and `file.gz` beside every compressible file of `dir` (recursively). */
export async function precompressDir(dir: string): Promise<Precompressed[]> {
  const files: string[] = [];
  for await (const file of walk(dir)) {
    if (COMPRESSIBLE.has(extname(file)) && (await stat(file)).size >= MIN_BYTES) files.push(file);
  }
  return Promise.all(
    files.map(async (file) => {
      const body = await readFile(file);
      const [br, gzipped] = await Promise.all([
        brotli(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
        gz(body, { level: constants.Z_BEST_COMPRESSION }),
      ]);
      const keep = (variant: Buffer) => variant.length <= body.length * 0.95;
      if (keep(br)) await writeFile(`${file}.br`, br);
      if (keep(gzipped)) await writeFile(`${file}.gz`, gzipped);
      return { file, bytes: body.length, br: keep(br) ? br.length : null, gzip: keep(gzipped) ? gzipped.length : null };
    }),
  );
}

/** Vite plugin: after the build has written its output, precompresses it. */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'arena-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const done = await precompressDir(outDir);
      const sum = (pick: (p: Precompressed) => number | null) => done.reduce((s, p) => s + (pick(p) ?? p.bytes), 0);
      this.info?.(`precompressed ${done.length} files: ${sum((p) => p.bytes)} B, br ${sum((p) => p.br)} B, gzip ${sum((p) => p.gzip)} B`);
    },
  };
}
