/** Command-line options of `npm run loadtest`, validated with messages that name the option. */
import { parseArgs } from 'node:util';
import { BOT_BEHAVIOURS, type BotBehaviour } from './bot.ts';
import type { RunOptions } from './run.ts';

export const USAGE = `Usage: npm run loadtest -- --url URL[,URL…] --bots N --duration SECONDS --report out.json [--html out.html] [options]

Bots are real socket.io-client players: they join matches, move, aim and shoot with a seeded
behaviour, reconnect when dropped, and measure. Several URLs (nodes of one cluster): bots are
spread across them round-robin, and a bot that cannot get back to its node for about 2 s (or
that the node refuses: SERVER_DRAINING) moves to the next URL with the same guest token and takes
its seat again; the report's "failover" counts the bots put out of their match and the time
until they played again.

  --url URL[,URL…]      game server node(s), e.g. http://127.0.0.1:3000 (required)
  --bots N              number of bots (required)
  --duration SECONDS    measured window after ramp-up (default 30)
  --report FILE         write the JSON report here
  --html FILE           write the HTML report (charts over time) here
  --ramp-up SECONDS     start bots evenly over this time (default: bots / 100, at least 1)
  --warmup SECONDS      then wait this long before measuring: matches form, count down and
                        settle (default 0; the timeline still shows it)
  --mode NAME           quick-play mode the bots queue for, of any game (GET /api/games; default ffa)
  --match-size N        players per match you expect; the mode decides on the server (its
                        QUEUE_MAX_PLAYERS), a difference is noted in the report
  --seed N              seed of the bots' behaviour; same seed, same decisions (default 1)
  --behaviour NAME      play (the game's bot plays) | wander (Arena: moves, no shooting) | idle (default play)
  --skill-mix LO..HI    full bots' skills spread evenly from LO to HI (0..1: reaction up to 400 ms late,
                        aim error up to 20°), a mixed population for the rating (default: all 1)
  --light               light bots: count bytes and snapshots, decode only the keyframe each second
  --sample-every N      with --light, one bot in N decodes everything to measure input→ack
                        (default 64 with raw light bots, which also time input→ack from their
                        keyframes; 16 with --light-wire sdk)
  --light-wire WIRE     with --light: raw (default: each bot speaks WebSocket and engine.io itself
                        on a plain socket, one core drives thousands) | sdk (socket.io-client bots
                        that read snapshots off ws's socket); several --url or https use sdk
  --keyframe-every N    raw light bots decode one keyframe in N (default 1: one a second at the
                        server's default keyframe rate); each proves the bot's inputs were applied
  --wire FORMAT         binary (default: the compact wire, one frame per binary event) | standard
                        (socket.io's default parser, as any third-party client) | json: for a
                        server started with WIRE_FORMAT=json (the plain-JSON baseline: default
                        socket.io parser, full JSON snapshots)
  --ping-interval SEC   round-trip probe period per bot (default 1)
  --clock-every N       raw light bots: one bot in N runs the clock round trip (default 1: all,
                        as pages do; the rest still answer engine.io's heartbeat)
  --raw-writes HOW      raw light bots: stream (default: socket.write) | direct (each frame straight
                        to the socket's TCP handle, past Node's Writable stream; measured no
                        cheaper, BENCHMARKS.md "Load generator … afternoon")
  --input-clock WHAT    raw light bots: timer (default: one timer for all bots sends every bot's
                        input on the tick grid, as a page's own clock would) | snapshot (each bot
                        sends as it reads a snapshot, one per server tick, the timer covering a
                        tick without one) | half-tick (the same, half a tick after the read: both
                        ends' TCP acknowledgements ride on data)
  --scrape-every SEC    scrape each node's /metrics for the timeline this often (default 1;
                        0: only at the window's start and end, the figures a deployment's own
                        scraper would cost, not the load test's)
  --timeout SECONDS     request and connect timeout (default 5)
  --label TEXT          scenario name shown in the reports
  --allow-remote        allow URLs that are not loopback (only load-test what you operate)
  --quiet               no progress line
  -h, --help            this text

SIGUSR2 (kill -USR2 PID) ends the measured window early: the reports cover the window so far.

Exit status: 0 the run completed (figures in the report, whatever they are), 1 it could not run
(a node unreachable, the quick-play mode unknown, no bot could connect), 2 bad options.`;

export interface CliOptions extends RunOptions {
  reportPath: string | null;
  htmlPath: string | null;
  quiet: boolean;
  help: boolean;
}

export class UsageError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function number(name: string, raw: string | undefined, def: number, min: number, max: number, integer = false): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

export function parseCliArgs(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        bots: { type: 'string' },
        duration: { type: 'string' },
        report: { type: 'string' },
        html: { type: 'string' },
        'ramp-up': { type: 'string' },
        warmup: { type: 'string' },
        'match-size': { type: 'string' },
        mode: { type: 'string' },
        seed: { type: 'string' },
        behaviour: { type: 'string' },
        behavior: { type: 'string' },
        'skill-mix': { type: 'string' },
        light: { type: 'boolean' },
        'sample-every': { type: 'string' },
        'light-wire': { type: 'string' },
        'keyframe-every': { type: 'string' },
        wire: { type: 'string' },
        'ping-interval': { type: 'string' },
        'clock-every': { type: 'string' },
        'input-clock': { type: 'string' },
        'raw-writes': { type: 'string' },
        timeout: { type: 'string' },
        'scrape-every': { type: 'string' },
        label: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const help = values.help === true;
  if (help) return { help } as CliOptions;
  if (!values.url) throw new UsageError('--url is required');
  if (!values.bots) throw new UsageError('--bots is required');
  const urls = values.url.split(',').map((u) => u.trim()).filter(Boolean).map((u) => checkUrl(u, values['allow-remote'] === true));
  if (urls.length === 0) throw new UsageError('--url: no URL given');
  const bots = number('bots', values.bots, 0, 1, 100_000, true);
  const behaviour = values.behaviour ?? values.behavior ?? 'play';
  if (!(BOT_BEHAVIOURS as readonly string[]).includes(behaviour)) {
    throw new UsageError(`--behaviour ${JSON.stringify(behaviour)}: expected one of ${BOT_BEHAVIOURS.join(', ')}`);
  }
  const wire = values.wire ?? 'binary';
  if (wire !== 'binary' && wire !== 'standard' && wire !== 'json') throw new UsageError(`--wire ${JSON.stringify(wire)}: expected binary, standard or json`);
  const lightWire = values['light-wire'] ?? 'raw';
  if (lightWire !== 'raw' && lightWire !== 'sdk') throw new UsageError(`--light-wire ${JSON.stringify(lightWire)}: expected raw or sdk`);
  const inputClock = values['input-clock'] ?? 'timer';
  if (inputClock !== 'snapshot' && inputClock !== 'half-tick' && inputClock !== 'timer') {
    throw new UsageError(`--input-clock ${JSON.stringify(inputClock)}: expected snapshot, half-tick or timer`);
  }
  const rawWrites = values['raw-writes'] ?? 'stream';
  if (rawWrites !== 'direct' && rawWrites !== 'stream') throw new UsageError(`--raw-writes ${JSON.stringify(rawWrites)}: expected direct or stream`);
  const mode = values.mode ?? 'ffa';
  if (!/^[\w-]{1,32}$/.test(mode)) throw new UsageError(`--mode ${JSON.stringify(mode)}: letters, digits, _ and - only`);
  return {
    urls,
    bots,
    durationS: number('duration', values.duration, 30, 1, 86_400),
    rampUpS: number('ramp-up', values['ramp-up'], Math.max(1, Math.ceil(bots / 100)), 0, 3_600),
    warmupS: number('warmup', values.warmup, 0, 0, 3_600),
    matchSize: values['match-size'] === undefined ? null : number('match-size', values['match-size'], 16, 1, 64, true),
    mode,
    seed: number('seed', values.seed, 1, 0, 0xffffffff, true),
    behaviour: behaviour as BotBehaviour,
    skillMix: skillMix(values['skill-mix']),
    light: values.light === true,
    // A raw bot decoding every snapshot costs ~15× a light one: at 1 in 16 they took ~14 % of the
    // generator (perf, 500 bots), and raw light bots time input→ack from their keyframes anyway.
    sampleEvery: number('sample-every', values['sample-every'], lightWire === 'raw' ? 64 : 16, 1, 100_000, true),
    lightWire,
    keyframeEvery: number('keyframe-every', values['keyframe-every'], 1, 1, 3_600, true),
    wire,
    pingIntervalS: number('ping-interval', values['ping-interval'], 1, 0.05, 600),
    clockEvery: number('clock-every', values['clock-every'], 1, 1, 100_000, true),
    inputClock,
    rawWrites,
    timeoutS: number('timeout', values.timeout, 5, 0.1, 600),
    scrapeEveryS: number('scrape-every', values['scrape-every'], 1, 0, 3_600, true),
    label: values.label ?? null,
    reportPath: values.report ?? null,
    htmlPath: values.html ?? null,
    quiet: values.quiet === true,
    help: false,
  };
}

function checkUrl(raw: string, allowRemote: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(raw)}: not a URL (expected e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url ${raw}: http or https only`);
  if (!allowRemote && !LOOPBACK.has(url.hostname)) {
    throw new UsageError(`--url ${raw}: not a loopback address; pass --allow-remote to load-test a deployment you operate`);
  }
  return url.origin;
}

function skillMix(raw: string | undefined): { lo: number; hi: number } | null {
  if (raw === undefined) return null;
  const m = /^(\d*\.?\d+)\.\.(\d*\.?\d+)$/.exec(raw.trim());
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2]) : NaN;
  if (!(lo >= 0 && hi <= 1 && lo <= hi)) throw new UsageError(`--skill-mix ${JSON.stringify(raw)}: expected LO..HI with 0 <= LO <= HI <= 1 (e.g. 0.2..1)`);
  return { lo, hi };
}
