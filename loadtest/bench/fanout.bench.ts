/**
 * Server CPU per member of one direct snapshot broadcast (server/net/room-transport.ts), in
 * process CPU time (user + system, so the write syscalls are in it), robust to other work on
 * the machine in a way wall-clock figures are not:
 *
 *   taskset -c 0 node --import tsx loadtest/bench/fanout.bench.ts [--members 256] [--ticks 400] [--rounds 6]
 *
 * A socket.io server with the wire parser and the send-buffer cap (as server/app.ts installs
 * them), `--members` socket.io-client connections on /match from a child process that drains
 * them, all in one room. Each round broadcasts a 40-byte delta `--ticks` times, 5 ms apart, with
 * the cap's listeners blind to direct writes (today) or, interleaved, with one extra ordinary
 * `packetCreate` listener per connection (what every connection had before: each direct write
 * then built engine.io's packet and emitted `packetCreate` and `flush`). Prints µs per member
 * write for both, per round, and the median of the per-round ratios.
 *
 * `--fanout`: every broadcast goes through the match's SnapshotFanout (`relay`, so the slow-reader
 * check and the metrics are in the figure), members admitted by a first keyframe.
 * `--single`: only today's figure, one line a round (`µs <figure>`), to compare two checkouts of
 * the code by running their copies of this file alternately.
 * `--wire compact|standard|mixed`: the server negotiates the wire per connection as server/app.ts
 * builds it (net/wire-negotiation.ts), and the members ask for the compact wire, speak socket.io's
 * default parser, or half and half; without it the server speaks only the wire parser.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { compactWireOptions, wireParser } from '../../shared/protocol/wire.ts';
import { createLogger } from '../../server/log.ts';
import { createMetrics } from '../../server/metrics.ts';
import { SnapshotFanout } from '../../server/match/snapshot-fanout.ts';
import { roomTransport } from '../../server/net/room-transport.ts';
import { installSendBufferCap } from '../../server/net/send-buffer-cap.ts';
import { createNegotiatingParser } from '../../server/net/wire-negotiation.ts';
import type { MatchNamespace } from '../../server/net/types.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--drain'),
  options: { wire: { type: 'string' }, fanout: { type: 'boolean', default: false }, single: { type: 'boolean', default: false }, members: { type: 'string', default: '256' }, ticks: { type: 'string', default: '400' }, rounds: { type: 'string', default: '6' }, port: { type: 'string' } },
});
const members = Number(values.members);

if (process.argv.includes('--drain')) {
  const url = `http://127.0.0.1:${values.port}/match`;
  let open = 0;
  for (let i = 0; i < members; i++) {
    const base = { transports: ['websocket'], forceNew: true, reconnection: false };
    const compact = values.wire === undefined || values.wire === 'compact' || (values.wire === 'mixed' && i % 2 === 0);
    const s = connect(url, compact ? compactWireOptions({ ...base, parser: wireParser }) : base);
    s.on('connect', () => ++open === members && process.send!('ready'));
    s.on('snapshot', () => {});
  }
} else {
  const ticks = Number(values.ticks);
  const rounds = Number(values.rounds);
  const http = createServer();
  const negotiating = values.wire === undefined ? null : createNegotiatingParser();
  const io = new Server(http, { parser: negotiating ?? wireParser, serveClient: false });
  negotiating?.attach(io);
  installSendBufferCap(io, { maxBytes: 1 << 20, metrics: createMetrics(), log: createLogger({ logLevel: 'warn', nodeId: 'bench' }) });
  const nsp = io.of('/match') as unknown as MatchNamespace;
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const drain = fork(new URL(import.meta.url).pathname, ['--drain', '--members', String(members), '--port', String((http.address() as AddressInfo).port), ...(values.wire ? ['--wire', values.wire] : [])], { execArgv: ['--import', 'tsx'] });
  await once(drain, 'message');
  const transport = roomTransport(nsp, 'room');
  // Members join as the fan-out subscribes them (the direct broadcast walks its subscribers).
  if (!values.fanout) for (const id of nsp.sockets.keys()) transport.subscribe(id);
  const delta = new Uint8Array(40).fill(7);
  const metrics = createMetrics();
  // Relayed bytes need no codec: the first (a keyframe) admits every member, the rest are deltas.
  const fanout = new SnapshotFanout(transport, null as never, 1 << 30, metrics);
  let tick = 0;
  if (values.fanout) {
    for (const id of nsp.sockets.keys()) fanout.add(id);
    fanout.relay({ tick: tick++ } as never, delta, true);
    await new Promise((r) => setTimeout(r, 50));
  }
  const broadcast = (): number => {
    if (!values.fanout) return transport.broadcast(delta);
    fanout.relay({ tick: tick++ } as never, delta, false);
    return members;
  };
  const extra = (): void => {};
  const conns = [...nsp.sockets.values()].map((s) => s.conn as unknown as { on(e: string, f: () => void): void; off(e: string, f: () => void): void });
  const run = async (): Promise<number> => {
    const before = process.cpuUsage();
    let writes = 0;
    for (let t = 0; t < ticks; t++) {
      writes += broadcast();
      await new Promise((r) => setTimeout(r, 5));
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / writes;
  };
  await run();
  if (values.single) {
    for (let r = 0; r < rounds; r++) console.log(`µs ${(await run()).toFixed(3)}`);
    drain.kill();
    io.close();
    process.exit(0);
  }
  const rows: { blind: number; heard: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['blind', 'heard'] : ['heard', 'blind'];
    const row = { blind: 0, heard: 0 };
    for (const which of order) {
      if (which === 'heard') for (const c of conns) c.on('packetCreate', extra);
      row[which as 'blind' | 'heard'] = await run();
      if (which === 'heard') for (const c of conns) c.off('packetCreate', extra);
    }
    rows.push(row);
    console.log(`round ${r + 1}: ${row.blind.toFixed(2)} µs per member write (cap blind to direct writes), ${row.heard.toFixed(2)} µs (packetCreate/flush reported)`);
  }
  const ratios = rows.map((r) => r.blind / r.heard).sort((a, b) => a - b);
  console.log(`median blind/heard ratio: ${ratios[Math.floor(ratios.length / 2)]!.toFixed(3)} (${members} members, ${ticks} broadcasts a round)`);
  drain.kill();
  io.close();
  process.exit(0);
}
