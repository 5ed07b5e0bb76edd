/**
 * `npm run replay -- verify <file|url> [--token <guest token>]`
 *
 * Re-simulates a replay (a file saved from GET /api/replays/<id>, or that URL itself) from its
 * start and from each checkpoint, and checks every checkpoint's state hash and the final
 * results. Prints `ok: <ticks> ticks, <checkpoints> checkpoints` and exits 0; a file that is
 * corrupt, truncated, of another game version or of a different match prints one line saying
 * what is wrong and exits 1 (2: wrong usage). A private match's replay needs the token of one of
 * its players (--token, or REPLAY_TOKEN).
 */
import { readFile } from 'node:fs/promises';
import { GAMES } from '../shared/games/index.ts';
import { verifyFile } from './replay/verify.ts';

const USAGE = 'usage: npm run replay -- verify <file|url> [--token <guest token>]';

async function load(source: string, token: string | undefined): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(source)) return new Uint8Array(await readFile(source));
  const res = await fetch(source, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new Error(`${source} answered ${res.status}${body?.code ? ` ${body.code}` : ''}${body?.message ? `: ${body.message}` : ''}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

async function main(argv: string[]): Promise<number> {
  const [command, source, ...rest] = argv;
  let token = process.env.REPLAY_TOKEN;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--token' && rest[i + 1]) token = rest[++i];
    else {
      console.error(USAGE);
      return 2;
    }
  }
  if (command !== 'verify' || !source) {
    console.error(USAGE);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = await load(source, token);
  } catch (error) {
    console.error(`cannot read ${source}: ${(error as Error).message}`);
    return 1;
  }
  const verdict = verifyFile(bytes, GAMES);
  if (verdict.ok) console.log(verdict.line);
  else console.error(verdict.line);
  return verdict.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
