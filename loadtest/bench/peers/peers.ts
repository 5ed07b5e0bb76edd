/**
 * The equal-work comparison with this project's peers (shared/bench/arena-16-scenario.md):
 *
 *   npm run bench:peers -- --bots 128 --seconds 20 --rounds 3 --json FILE
 *
 * Four servers, one at a time, interleaved round after round so a noisy minute on a shared
 * machine hits one window, not one implementation:
 *   ws        the `ws` library alone (ws-server.ts): the floor under any Node WebSocket game server
 *   colyseus  Colyseus 0.18 with its own SDK's bots (colyseus-server.ts, colyseus-bots.ts)
 *   parity    this project's real server with the scenario as a game (parity-server.ts, parity-game.ts)
 *   arena     this project with Arena under its own load test (the floor ladder's rung 6)
 * The first three run the same scenario (scenario.ts); arena does more per tick (projectiles,
 * lag-compensation history) and is there to show what the product costs.
 *
 * Colyseus installs into loadtest/bench/peers/node_modules on the first run (peer-packages.ts).
 * Prints a table and the per-round ratios; --json FILE gets them too (peers-report.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stopAll } from '../ladder/children.ts';
import { ensurePeerPackages } from './peer-packages.ts';
import { buildRows, formatTable, parsePeersArgs, ratios, USAGE, UsageError, type PeerRun, type PeersOptions } from './peers-report.ts';
import { runImpl, type PeersContext } from './peers-run.ts';

function options(): PeersOptions {
  try {
    return parsePeersArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench:peers: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const fmt = (v: number | null | undefined, d = 1): string => (v === null || v === undefined ? '-' : v.toFixed(d));

function runLine(r: PeerRun): string {
  if (!r.ok) return `${String(r.round).padStart(5)}  ${r.impl.padEnd(8)}  failed: ${r.error}`;
  return [
    String(r.round).padStart(5),
    r.impl.padEnd(8),
    String(r.cpuMsPer1000BotS).padStart(13),
    fmt(r.serverCpuPercent).padStart(8),
    String(r.downBytesPerBotPerSec ?? '-').padStart(12),
    fmt(r.statesPerBotPerSec, 2).padStart(10),
    fmt(r.inputsPerBotPerSec, 2).padStart(10),
    fmt(r.gapP99Ms).padStart(10),
    fmt(r.serverRssMB, 0).padStart(6),
    fmt(r.botsCpuPercent).padStart(9),
    fmt(r.otherPercent).padStart(8),
    r.shortfall ? `  ${r.shortfall}` : '',
  ].join('  ');
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts.impls.includes('colyseus')) ensurePeerPackages((line) => console.log(line));
  const ctx: PeersContext = {
    bots: opts.bots,
    seconds: opts.seconds,
    warmupS: opts.warmupS,
    seed: opts.seed,
    port: opts.port,
    serverNodeFlags: opts.serverNodeFlags,
    serverCore: 0,
    botCore: 1,
    outDir: 'loadtest-out/peers',
    perfDir: opts.perfDir,
  };
  await mkdir(ctx.outDir, { recursive: true });
  if (opts.perfDir) await mkdir(opts.perfDir, { recursive: true });
  const perRunS = opts.seconds + opts.warmupS + 8;
  console.log(
    `peers: ${opts.bots} bots in rooms of 16 at 20 Hz; ${opts.impls.join(', ')} × ${opts.rounds} rounds, interleaved; ` +
      `${opts.warmupS} s warm-up, ${opts.seconds} s windows; server on core 0, bots on core 1; about ${Math.ceil((perRunS * opts.impls.length * opts.rounds) / 60)} min`,
  );
  console.log('"others %": machine busy time that was neither the server nor its bots (% of one core): this box may be shared.\n');
  console.log(['round', 'impl    ', 'ms/1000 bot-s', 'srv CPU%', 'down B/bot/s', 'states/s', 'inputs/s', 'gap p99', 'RSS MB', 'bots CPU%', 'others %'].map((h, i) => (i < 2 ? h : h.padStart([13, 8, 12, 10, 10, 10, 6, 9, 8][i - 2]!))).join('  '));
  const runs: PeerRun[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const impl of opts.impls) {
      const r = await runImpl(impl, round, ctx);
      runs.push(r);
      console.log(runLine(r));
    }
  }
  const rows = buildRows(runs, opts.impls, opts.rounds);
  const rs = ratios(rows, runs);
  console.log('\nserver CPU per 1,000 bot-seconds (ms), bytes and gap p99 as medians over the rounds:');
  for (const line of formatTable(rows, rs)) console.log(line);
  if (opts.json) {
    await mkdir(dirname(opts.json), { recursive: true });
    const { json: _json, help: _help, ...shown } = opts;
    await writeFile(opts.json, `${JSON.stringify({ rows, ratios: rs, runs, options: shown, finishedAt: new Date().toISOString() }, null, 2)}\n`);
    console.log(`\nwritten: ${opts.json}`);
  }
  if (opts.perfDir) {
    const files = runs.filter((r) => r.ok).map((r) => `${opts.perfDir}/${r.impl === 'arena' ? `ladder-rung6-round${r.round}` : `peers-${r.impl}-round${r.round}`}/perf.jit.data`);
    console.log(`\nperf, side by side:\n  node --import tsx loadtest/bench/ladder/perf-top.ts ${files.join(' ')} --bots ${opts.bots} --seconds ${opts.seconds}`);
  }
  if (runs.some((r) => !r.ok)) process.exitCode = 1;
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
await main();
