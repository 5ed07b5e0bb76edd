/**
 * A sink for measuring the load generator alone: a server that speaks just enough HTTP,
 * WebSocket, engine.io and socket.io for the raw light bots (loadtest/raw/) and plays them a
 * recorded Arena match, so that a bot does exactly the work it does against the real server
 * while the server side costs a fraction of a real one. The real server holds ~1,200 full-rate
 * players on a core; 3,000 bots need something that keeps up on the other core.
 *
 * What a bot sees, step by step, is what the real server sends it:
 * - POST /api/guest: a token (not signed: nothing checks it here); GET /api/config, /api/games,
 *   /healthz, and /metrics with the process's CPU, RSS and start time (the report's server CPU);
 * - the WebSocket upgrade, engine.io's open packet, socket.io's connects of /lobby and /match;
 * - `join {}` answered NO_SEAT, `quickplay` acknowledged and followed by `matched`, then
 *   `join {matchId}` answered with the match's info (the real Arena setup, a seat 0..15);
 * - every tick (20 Hz), one binary frame per member carrying the snapshot event in the compact
 *   wire: a keyframe each second and on a member's join, deltas between, encoded once per match
 *   and tick by Arena's own codec from a recorded 16-player match (loadtest/bench/arena-recording.ts,
 *   looped at a keyframe), with each seat's last input sequence set from the inputs this sink
 *   read from that bot (so the bots' proof that their inputs were applied stays a proof);
 * - `clock` acknowledged with the server time, `leave` acknowledged, engine.io's ping every 25 s.
 *
 * Every input frame is read and decoded by Arena's input codec as it arrives (the bots' writes
 * wake this process exactly as they wake the real server). Nothing here is a game server: no
 * simulation, no validation beyond what keeps the sink itself sane, no rate limits. Not for
 * anything but `loadtest/bench/capacity.sh` with `SINK=1`.
 *
 *   node --import tsx loadtest/bench/sink-server.ts   (PORT, HOST, TICK_RATE from the environment)
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { arena } from '../../shared/games/arena/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { Namespaces } from '../../shared/protocol/events.ts';
import { wireParser } from '../../shared/protocol/wire.ts';
import { probeDirectWrites, readIntoBuffer, type DirectWriter } from '../internals/node-net.ts';
import { parseSioPacket, SioType, sioPacket } from '../raw/sio-packet.ts';
import { recordArena } from './arena-recording.ts';

const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3400);
const TICK_RATE = Number(process.env.TICK_RATE ?? 20);
const MATCH_SIZE = 16;
const PING_EVERY_TICKS = 25 * TICK_RATE;
const SOCKET_PATH = '/socket.io/';
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const SNAPSHOT_PREFIX = wireParser.eventPrefix(Namespaces.match, 'snapshot')!;
const INPUT_PREFIX = wireParser.eventPrefix(Namespaces.match, 'input')!;
const MODE = arena.modes.find((m) => m.id === 'ffa')!;

// 30 s of a 16-player match, whole seconds, so the loop starts again on a keyframe.
const RECORDING = recordArena({ players: MATCH_SIZE, tickRate: TICK_RATE, ticks: 30 * TICK_RATE });
const SETUP = arena.setup(arena.create({ options: MODE.options, seed: 1, tickRate: TICK_RATE }));
const startedAt = Date.now();
const directWrites = probeDirectWrites((line) => console.error(`sink: ${line}`));
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** One bot's connection. */
class Session {
  readonly sid = randomUUID();
  match: Match | null = null;
  seat = -1;
  lastSeq = 0;
  needsKeyframe = true;
  private held: Buffer | null = null;
  private readonly writer: DirectWriter | null;

  constructor(readonly socket: Socket) {
    this.writer = directWrites?.writerFor(socket) ?? null;
  }

  write(frame: Uint8Array): void {
    if (this.writer !== null && this.socket.writableLength === 0) this.writer.write(frame);
    else this.socket.write(frame);
  }

  text(payload: string): void {
    this.write(serverFrame(0x1, Buffer.from(payload, 'utf8')));
  }

  /** Bytes read from the bot: client frames, masked (the bots' key is zero; any key is read). */
  read(buf: Uint8Array, start: number, end: number): void {
    if (this.held !== null) {
      const joined = Buffer.concat([this.held, buf.subarray(start, end)]);
      this.held = null;
      return this.read(joined, 0, joined.length);
    }
    let pos = start;
    while (end - pos >= 2) {
      const b0 = buf[pos]!;
      const b1 = buf[pos + 1]!;
      let len = b1 & 0x7f;
      let hdr = 2;
      if (len === 126) {
        if (end - pos < 4) break;
        len = (buf[pos + 2]! << 8) | buf[pos + 3]!;
        hdr = 4;
      } else if (len === 127) return this.close('frame too long');
      if ((b1 & 0x80) === 0) return this.close('unmasked client frame');
      if (end - pos < hdr + 4 + len) break;
      const k = pos + hdr;
      const at = k + 4;
      if (buf[k]! | buf[k + 1]! | buf[k + 2]! | buf[k + 3]!) for (let i = 0; i < len; i++) buf[at + i]! ^= buf[k + (i & 3)]!;
      this.frame(b0 & 0x0f, buf, at, at + len);
      pos = at + len;
    }
    if (pos < end) this.held = Buffer.from(buf.subarray(pos, end));
  }

  private frame(opcode: number, buf: Uint8Array, start: number, end: number): void {
    if (opcode === 0x2) {
      if (end - start <= INPUT_PREFIX.length || buf[start] !== INPUT_PREFIX[0] || buf[start + 1] !== INPUT_PREFIX[1] || buf[start + 2] !== INPUT_PREFIX[2]) return;
      const r = arena.inputCodec.decode(buf.subarray(start + INPUT_PREFIX.length, end));
      if (r.ok && r.value.seq > this.lastSeq) this.lastSeq = r.value.seq;
      return;
    }
    if (opcode === 0x1) return this.engineIo(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8'));
    if (opcode === 0x8) return this.close('closed by the bot');
    // Pings and pongs of WebSocket itself: the bots send none.
  }

  private engineIo(text: string): void {
    if (text === '3') return; // the heartbeat's answer
    if (text[0] !== '4') return;
    const pk = parseSioPacket(text.slice(1));
    if (!pk) return;
    if (pk.type === SioType.Connect) return this.text(`4${sioPacket(SioType.Connect, pk.nsp, null, { sid: this.sid })}`);
    if (pk.type !== SioType.Event || !Array.isArray(pk.data)) return;
    const [event, arg] = pk.data as [string, { matchId?: string } | undefined];
    const ack = (answer: unknown): void => {
      if (pk.id !== null) this.text(`4${sioPacket(SioType.Ack, pk.nsp, pk.id, [answer])}`);
    };
    if (event === 'clock') return ack(Date.now());
    if (event === 'quickplay') {
      ack({ ok: true });
      const match = matches.seatFor(this);
      return this.text(`4${sioPacket(SioType.Event, Namespaces.lobby, null, ['matched', { matchId: match.id, game: arena.id, mode: MODE.id, visibility: 'public', code: null }])}`);
    }
    if (event === 'join') {
      const match = this.match;
      if (!match || arg?.matchId !== match.id) return ack({ ok: false, code: ErrorCode.NoSeat, message: 'no seat held' });
      ack({ ok: true, ...match.info(this.seat) });
      match.join(this);
      return;
    }
    if (event === 'leave') {
      this.match?.leave(this);
      return ack({ ok: true });
    }
    ack({ ok: false, code: 'UNKNOWN_EVENT', message: `the sink does not answer ${event}` });
  }

  close(why: string): void {
    void why;
    this.match?.leave(this);
    this.socket.destroy();
  }
}

/** Sixteen seats playing the recording; ticks only while someone is in it. */
class Match {
  readonly id = randomUUID();
  readonly members: Session[] = [];
  seatsGiven = 0;
  private frame = 0;
  private base: Snapshot | null = null;

  info(seat: number): Record<string, unknown> {
    return {
      matchId: this.id,
      game: arena.id,
      slot: seat,
      role: 'player',
      mode: MODE.id,
      visibility: 'public',
      state: 'playing',
      tickRate: TICK_RATE,
      maxPlayers: MATCH_SIZE,
      snapshotEvery: 1,
      options: MODE.options,
      setup: SETUP,
      roster: [],
    };
  }

  join(s: Session): void {
    if (!this.members.includes(s)) this.members.push(s);
    s.needsKeyframe = true;
  }

  leave(s: Session): void {
    const i = this.members.indexOf(s);
    if (i >= 0) this.members.splice(i, 1);
  }

  tick(tick: number, serverTime: number): void {
    if (this.members.length === 0) return;
    const recorded = RECORDING[this.frame]!;
    this.frame = (this.frame + 1) % RECORDING.length;
    const seqs = new Map<number, number>();
    for (const m of this.members) seqs.set(m.seat, m.lastSeq);
    const snapshot: Snapshot = {
      ...recorded,
      tick,
      serverTime,
      players: recorded.players.map((p) => ({ ...p, lastInputSeq: seqs.get(p.id) ?? 0 })),
    };
    // A keyframe each second and where the recording starts again; a member who just joined gets one of its own.
    const key = this.base === null || this.frame === 1 || tick % TICK_RATE === 0;
    const shared = serverFrame(0x2, key ? arena.snapshotCodec.encodeKeyframe(snapshot) : arena.snapshotCodec.encodeDelta(this.base!, snapshot), SNAPSHOT_PREFIX);
    let personal: Buffer | null = key ? shared : null;
    for (const m of this.members) {
      if (m.needsKeyframe) {
        personal ??= serverFrame(0x2, arena.snapshotCodec.encodeKeyframe(snapshot), SNAPSHOT_PREFIX);
        m.needsKeyframe = false;
        m.write(personal);
      } else m.write(shared);
    }
    if (tick % PING_EVERY_TICKS === 0) for (const m of this.members) m.text('2');
    this.base = snapshot;
  }
}

class Matches {
  readonly all: Match[] = [];
  private filling: Match | null = null;

  seatFor(s: Session): Match {
    if (s.match) return s.match;
    if (!this.filling || this.filling.seatsGiven >= MATCH_SIZE) {
      this.filling = new Match();
      this.all.push(this.filling);
    }
    s.match = this.filling;
    s.seat = this.filling.seatsGiven++;
    return this.filling;
  }
}

const matches = new Matches();

function serverFrame(opcode: number, payload: Uint8Array, prefix?: Uint8Array): Buffer {
  const len = payload.length + (prefix?.length ?? 0);
  const hdr = len < 126 ? 2 : 4;
  const out = Buffer.allocUnsafe(hdr + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = len;
  else {
    out[1] = 126;
    out[2] = len >>> 8;
    out[3] = len & 0xff;
  }
  let at = hdr;
  if (prefix) {
    out.set(prefix, at);
    at += prefix.length;
  }
  out.set(payload, at);
  return out;
}

// ---- HTTP ----

let guests = 0;
let players = 0;
const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify(body));
};

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/api/guest') {
    req.resume();
    req.on('end', () => json(res, 200, { ok: true, token: `sink.${++guests}`, guestId: `g${guests}`, nickname: `guest-${guests}`, expiresAt: Date.now() + 3_600_000, expiresInS: 3600 }));
    return;
  }
  if (path === '/healthz') return json(res, 200, { ok: true, nodeId: 'sink' });
  if (path === '/api/config') return json(res, 200, { socketPath: SOCKET_PATH.slice(0, -1), transports: ['websocket'] });
  if (path === '/api/games') {
    return json(res, 200, [{ id: arena.id, name: arena.name, maxPlayers: MATCH_SIZE, modes: [{ id: MODE.id, label: MODE.label, minPlayers: 1, maxPlayers: MATCH_SIZE }], options: [] }]);
  }
  if (path === '/metrics') {
    const cpu = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
        `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
        `process_start_time_seconds ${Math.floor(startedAt / 1000)}`,
        `game_players_connected ${players}`,
        `game_matches_active ${matches.all.filter((m) => m.members.length > 0).length}`,
        `sink_tick_late_max_seconds ${lateMaxMs / 1000}`,
        '',
      ].join('\n'),
    );
    return;
  }
  json(res, 404, { ok: false, code: 'NOT_FOUND', message: `${req.method} ${path}` });
});

server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
  const key = req.headers['sec-websocket-key'];
  if (!req.url?.startsWith(SOCKET_PATH) || typeof key !== 'string') return socket.destroy();
  socket.setNoDelay(true);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${createHash('sha1').update(key + WS_GUID).digest('base64')}\r\n\r\n`);
  const session = new Session(socket);
  players += 1;
  socket.on('close', () => {
    players -= 1;
    session.match?.leave(session);
  });
  socket.on('error', () => session.close('socket error'));
  session.text(`0${JSON.stringify({ sid: session.sid, upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1_000_000 })}`);
  if (head.length > 0) session.read(head, 0, head.length);
  // Reads of every bot land in one buffer, as in the bots themselves; a socket Node will not switch reads through 'data'.
  if (readIntoBuffer(socket, readBuffer, (buf, n) => session.read(buf, 0, n)) !== true) socket.on('data', (chunk: Buffer) => session.read(chunk, 0, chunk.length));
});

// ---- the tick: drift-corrected, every match in one pass ----

let tick = 0;
let lateMaxMs = 0;
const periodMs = 1000 / TICK_RATE;
const t0 = performance.now();
function onTick(): void {
  const due = t0 + tick * periodMs;
  const late = performance.now() - due;
  if (late > lateMaxMs) lateMaxMs = late;
  tick += 1;
  const serverTime = Date.now();
  for (const m of matches.all) m.tick(tick, serverTime);
  setTimeout(onTick, Math.max(0, t0 + tick * periodMs - performance.now()));
}
setTimeout(onTick, periodMs);

server.listen(PORT, HOST, () => console.log(`sink listening on http://${HOST}:${PORT} (${RECORDING.length} recorded ticks, ${TICK_RATE} Hz)`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    console.log(`sink: tick late max ${lateMaxMs.toFixed(1)} ms, ${matches.all.length} matches, ${players} connections open`);
    process.exit(0);
  });
}
