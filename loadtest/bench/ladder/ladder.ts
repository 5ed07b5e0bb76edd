/**
 * The floor ladder: how much server CPU each layer between a raw WebSocket and the
 * real game server costs per player, measured in one run on one machine.
 *
 *   npm run bench:ladder -- [--bots 128] [--seconds 20] [--rungs 1,2,3,4,5,6] [--repeat 2]
 *                           [--warmup 6] [--cpu-prof DIR] [--perf DIR] [--server-node-flags "..."]
 *
 * Every rung carries the same traffic: N bots (rooms of 16, no lobby) each send one 14-byte
 * binary input per 50 ms tick and receive, per tick, the state bytes the Arena game broadcasts
 * to a 16-player room (a keyframe of ~370 B once a second, deltas of ~40 B: rungs 1-4 replay
 * the real codec's output for a recorded match, rung 5 produces it with the real game).
 *
 *   1 raw `ws` · 2 engine.io alone · 3 socket.io, default parser (2 frames per binary event)
 *   4 socket.io + wire parser + rooms broadcast · 5 rung 4 + the Arena tick (sim, lag-comp
 *   history, snapshot build + encode) · 6 server/main.ts under `npm run loadtest` (arena-16.sh)
 *
 * Server pinned to core 0, bots to core 1 (`taskset`). Rounds run every rung in turn
 * (--repeat 2: 1..6, 1..6) so a noisy minute hits one row, not one rung; each row shows the
 * whole machine's busy share over its window and what was not the server or the bots.
 * Results: a table on stdout and loadtest-out/ladder/ladder-<time>.json.
 *
 * The ladder splits this project's own cost by layer; the comparison with other servers on the
 * same work (a raw `ws` floor, Colyseus) is `npm run bench:peers` (../peers/peers.ts), which runs
 * rung 6 as its `arena` and reuses this folder's processes, CPU readings and perf recording.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stopAll } from './children.ts';
import { labelSlug, parseRungSpec, RUNG_NAMES, runTogether, type LadderOptions, type RungResult, type RungSpec } from './run-rung.ts';

const USAGE = `usage: npm run bench:ladder -- [--bots 128] [--seconds 20] [--rungs 1,2,3,4,5,6] [--repeat 2]
       [--warmup 6] [--port 3390] [--cpu-prof DIR] [--perf DIR] [--server-node-flags "--max-semi-space-size=16"]
       [--server-env KEY=VALUE,...] [--quiet-below 10] [--concurrent] [--loadtest-args "--ping-interval 5"] [--out FILE]

  --rungs accepts variants of a rung with extra server environment and, for rung 6, load-test
  options: 6@KEY=VALUE+KEY2=VALUE2, 6@--ping-interval=5, 6@NODE_OPTIONS=--max-semi-space-size=16
  --concurrent runs a round's rungs at the same time (A/B on a machine others are using)
  6@LADDER_TREE=DIR runs the real server from another checkout, e.g. the commit before a change:
    git archive COMMIT | tar -x -C loadtest-out/base && ln -s "$PWD/node_modules" loadtest-out/base/`;

function options(): { opts: LadderOptions; rungs: RungSpec[]; repeat: number; concurrent: boolean; out: string | null } {
  const { values } = parseArgs({
    options: {
      bots: { type: 'string', default: '128' },
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '6' },
      rungs: { type: 'string', default: '1,2,3,4,5,6' },
      repeat: { type: 'string', default: '2' },
      port: { type: 'string', default: '3390' },
      'tick-rate': { type: 'string', default: '20' },
      'cpu-prof': { type: 'string' },
      perf: { type: 'string' },
      'server-node-flags': { type: 'string', default: '' },
      'server-env': { type: 'string', default: '' },
      'quiet-below': { type: 'string', default: '10' },
      concurrent: { type: 'boolean' },
      'loadtest-args': { type: 'string', default: '' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} ${raw}: expected an integer from ${min} to ${max}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const rungs = values.rungs.split(',').map((token) => {
    const spec = parseRungSpec(token.trim());
    if (!spec) {
      console.error(`--rungs ${token}: expected 1-6, or 6@KEY=VALUE+KEY=VALUE for a variant with extra server environment\n${USAGE}`);
      process.exit(2);
    }
    return spec;
  });
  const serverEnv = Object.fromEntries(
    values['server-env']
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return {
    rungs,
    repeat: int('repeat', values.repeat, 1, 10),
    concurrent: values.concurrent === true,
    out: values.out ?? null,
    opts: {
      bots: int('bots', values.bots, 1, 5000),
      seconds: int('seconds', values.seconds, 3, 600),
      warmupS: int('warmup', values.warmup, 1, 120),
      tickRate: int('tick-rate', values['tick-rate'], 1, 120),
      port: int('port', values.port, 1024, 65535),
      serverCore: 0,
      botCore: 1,
      cpuProfDir: values['cpu-prof'] ?? null,
      perfDir: values.perf ?? null,
      serverNodeFlags: values['server-node-flags'].split(' ').filter(Boolean),
      loadtestArgs: values['loadtest-args'].split(' ').filter(Boolean),
      serverEnv,
      quietOtherPercent: int('quiet-below', values['quiet-below'], 1, 200),
      outDir: 'loadtest-out/ladder',
    },
  };
}

const COLUMNS: [string, number, (r: RungResult, base: number | null) => string][] = [
  ['round', 5, (r) => String(r.round)],
  ['rung', 4, (r) => r.label],
  ['name', 30, (r) => r.name],
  ['srv CPU%', 8, (r) => r.serverCpuPercent.toFixed(1)],
  ['ms/1000 bot-s', 13, (r) => String(r.cpuMsPer1000BotS)],
  ['×rung1', 6, (r, base) => (base ? (r.cpuMsPer1000BotS / base).toFixed(2) : '-')],
  ['down B/bot/s', 12, (r) => String(r.downBytesPerBotPerSec ?? '-')],
  ['up B/bot/s', 10, (r) => String(r.upBytesPerBotPerSec ?? '-')],
  ['frames/tick', 11, (r) => String(r.framesPerTick ?? '-')],
  ['tick p50 ms', 11, (r) => (r.tickMsP50 === null ? '-' : r.tickMsP50.toFixed(3))],
  ['RSS MB', 6, (r) => (r.serverRssMB === null ? '-' : r.serverRssMB.toFixed(0))],
  ['bots CPU%', 9, (r) => (r.botsCpuPercent === null ? '-' : r.botsCpuPercent.toFixed(1))],
  ['machine busy %/200', 18, (r) => (r.machineBusyPercent === null ? '-' : r.machineBusyPercent.toFixed(1))],
  ['others %', 8, (r) => (r.otherPercent === null ? '-' : r.otherPercent.toFixed(1))],
  ['quiet s', 7, (r) => r.quiet.seconds.toFixed(0)],
  ['quiet ms/1000', 13, (r) => String(r.quiet.cpuMsPer1000BotS ?? '-')],
];

const header = (): string => COLUMNS.map(([h, w]) => h.padStart(w)).join('  ');
const row = (r: RungResult, base: number | null): string =>
  r.ok ? COLUMNS.map(([, w, f]) => f(r, base).padStart(w)).join('  ') : `${String(r.round).padStart(5)}  ${String(r.rung).padStart(4)}  failed: ${r.error}`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const { opts, rungs, repeat, concurrent, out } = options();
  await mkdir(opts.outDir, { recursive: true });
  if (opts.cpuProfDir) await mkdir(opts.cpuProfDir, { recursive: true });
  if (opts.perfDir) await mkdir(opts.perfDir, { recursive: true });
  const perRunS = (r: number): number => opts.seconds + (r === 6 ? Math.max(10, opts.warmupS + 4) + 7 : opts.warmupS + 4);
  const estimate = repeat * (concurrent ? Math.max(...rungs.map((r) => perRunS(r.rung))) : rungs.reduce((a, r) => a + perRunS(r.rung), 0));
  console.log(
    `floor ladder: ${opts.bots} bots, rooms of 16, ${opts.tickRate} Hz, ${opts.seconds} s windows after ${opts.warmupS} s warm-up, ` +
      `rungs ${rungs.map((r) => r.label).join(',')} × ${repeat}${concurrent ? ' (each round\'s rungs at the same time)' : ''}; server on core ${opts.serverCore}, bots on core ${opts.botCore}; about ${Math.ceil(estimate / 60)} min`,
  );
  console.log(
    '"others %": machine busy time that was neither the server nor the bots (% of one core); "quiet": the same CPU figure ' +
      `over only the seconds when others used < ${opts.quietOtherPercent} % of a core.\n`,
  );
  console.log(header());
  const results: RungResult[] = [];
  for (let round = 1; round <= repeat; round++) {
    const groups = concurrent ? [rungs] : rungs.map((r) => [r]);
    for (const group of groups) {
      let rs: RungResult[];
      try {
        rs = await runTogether(round, group, opts);
      } catch (error) {
        await stopAll();
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        rs = group.map((spec) => ({ round, rung: spec.rung, label: spec.label, name: RUNG_NAMES[spec.rung]!, ok: false, error: message }) as RungResult);
      }
      results.push(...rs);
      const base = results.find((x) => x.round === round && x.rung === 1 && x.ok)?.cpuMsPer1000BotS ?? null;
      for (const r of rs) console.log(row(r, base));
    }
  }

  console.log('\nsummary (median over rounds; ×rung1 against the median of rung 1)');
  const rung1 = results.filter((r) => r.rung === 1 && r.ok).map((r) => r.cpuMsPer1000BotS);
  const base = rung1.length ? median(rung1) : null;
  console.log(['rung'.padStart(4), 'name'.padStart(30), 'ms/1000 bot-s'.padStart(13), 'runs'.padStart(16), '×rung1'.padStart(6), 'down B/bot/s'.padStart(12), 'frames/tick'.padStart(11), 'tick p50 ms'.padStart(11), 'quiet ms/1000 (s)'.padStart(24), '×rung1'.padStart(6)].join('  '));
  const quietOf = (rs: RungResult[]): number | null => {
    const xs = rs.map((r) => r.quiet.cpuMsPer1000BotS).filter((v): v is number => v !== null);
    return xs.length ? median(xs) : null;
  };
  const quietBase = quietOf(results.filter((r) => r.rung === 1 && r.ok));
  for (const spec of rungs) {
    const rs = results.filter((r) => r.label === spec.label && r.ok);
    if (rs.length === 0) continue;
    const ms = median(rs.map((r) => r.cpuMsPer1000BotS));
    const avg = (f: (r: RungResult) => number | null): string => {
      const xs = rs.map(f).filter((v): v is number => v !== null);
      return xs.length ? String(Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3))) : '-';
    };
    console.log(
      [
        spec.label.padStart(4),
        RUNG_NAMES[spec.rung]!.padStart(30),
        String(Math.round(ms)).padStart(13),
        rs.map((r) => r.cpuMsPer1000BotS).join(' · ').padStart(16),
        (base ? (ms / base).toFixed(2) : '-').padStart(6),
        avg((r) => r.downBytesPerBotPerSec).padStart(12),
        avg((r) => r.framesPerTick).padStart(11),
        avg((r) => r.tickMsP50).padStart(11),
        rs.map((r) => `${r.quiet.cpuMsPer1000BotS ?? '-'} (${r.quiet.seconds.toFixed(0)})`).join(' · ').padStart(24),
        (quietBase && quietOf(rs) !== null ? (quietOf(rs)! / quietBase).toFixed(2) : '-').padStart(6),
      ].join('  '),
    );
  }
  for (const r of results.filter((x) => x.loadtest)) {
    const l = r.loadtest!;
    console.log(
      `rung ${r.label} round ${r.round}: connected ${l.connected}, snapshot gap p99 ${l.snapshotGapMs.p99} ms, input→ack p99 ${l.inputToAckMs.p99} ms, ` +
        `errors ${l.errors}, disconnects ${l.disconnects}, server CPU by its /metrics ${l.serverCpuPercentFromMetrics} %`,
    );
  }
  const profiles = results.filter((r) => r.profile);
  if (profiles.length) {
    console.log('\nprofiles (window = the measured seconds):');
    for (const r of profiles) {
      const p = r.profile!;
      console.log(`  node --import tsx loadtest/bench/profile-top.ts ${join(p.dir, p.name)} --from ${p.fromS} --to ${p.toS}`);
    }
  }
  if (opts.perfDir) {
    console.log(`\nperf data of the windows (JIT code named from V8's jitdump by perf inject):`);
    for (const r of results.filter((x) => x.ok)) {
      const data = join(opts.perfDir, `ladder-rung${labelSlug(r.label)}-round${r.round}`, 'perf.jit.data');
      console.log(`  node --import tsx loadtest/bench/ladder/perf-top.ts ${data} --bots ${opts.bots} --seconds ${opts.seconds}`);
    }
  }
  const file = out ?? join(opts.outDir, `ladder-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ options: { ...opts, rungs: rungs.map((r) => r.label), repeat, concurrent }, startedAt: new Date().toISOString(), results }, null, 2));
  console.log(`\nwritten: ${file}`);
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
await main();
