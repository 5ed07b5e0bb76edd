/**
 * Authenticated clients sending wrong payloads on every event of both namespaces, through
 * socket.io-client and the wire parser as a real client would (with and without acknowledgement
 * callbacks), plus the game-level lies: inputs of the wrong length or with NaN aims, replayed
 * sequence numbers, a spectator sending inputs, requests naming a match the sender has no seat in.
 * Every answer is tallied: ack codes, protocol_error codes, disconnect reasons.
 */
import { io, type Socket } from 'socket.io-client';
import { encodeInput, INPUT_BYTES } from '../../../shared/games/arena/input-codec.ts';
import { MATCH_CLIENT_EVENTS } from '../../../shared/protocol/events.ts';
import { LOBBY_REQUESTS } from '../../../shared/protocol/lobby-events.ts';
import { handshakeAuth } from '../../../shared/protocol/version.ts';
import { compactWireOptions } from '../../../shared/protocol/wire.ts';
import type { Prng } from './prng.ts';
import type { Tally } from './tally.ts';

/** Server-to-client events a client has no business sending, and names nobody handles. */
const FOREIGN_EVENTS = ['snapshot', 'protocol_error', 'session', 'matched', 'roster', 'constructor', '__proto__', 'hasOwnProperty', ''];

const HUGE = 'x'.repeat(3500);

/** Wrong payloads for any request. NaN and ±Infinity become null in JSON, as they would from any client. */
export function wrongPayloads(): unknown[] {
  const manyKeys = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]));
  return [
    undefined, null, true, 0, -1, 2 ** 53, -(2 ** 31), 1e308, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '', HUGE, '\u0000\u202e',
    [], [1, 'a', null], [{ mode: 'ffa' }], {},
    { mode: 1 }, { mode: HUGE }, { mode: null }, { mode: ['ffa'] }, { mode: 'no-such-mode' }, { mode: Number.NaN },
    { matchId: 42 }, { matchId: 'm'.repeat(65) }, { matchId: '../../etc/passwd' }, { matchId: {} }, { matchId: '' },
    { code: 0 }, { code: 'x'.repeat(21) }, { code: '\u0000\u0000\u0000' }, { code: 'ZZZZZ' },
    { text: 7 }, { text: '' }, { text: HUGE }, { text: {} }, { text: ['a'] }, { text: '\u0007\u001b[2J' },
    { maxPlayers: -1 }, { maxPlayers: 1e9 }, { maxPlayers: 2.5 }, { maxPlayers: '4' }, { maxPlayers: Number.POSITIVE_INFINITY },
    { options: [] }, { options: { killTarget: -5 } }, { options: { killTarget: 1e12 } }, { options: { killTarget: 0, timeLimitS: 0 } },
    { options: { x: 'a' } }, { options: manyKeys }, { options: { ['k'.repeat(40)]: 1 } },
    { slot: 3, guestId: 'someone-else', role: 'player' }, { on: 'yes' }, { on: 1 },
    new Uint8Array(0), new Uint8Array(INPUT_BYTES), new Uint8Array(3000),
  ];
}

/** Input frames that must be refused (BAD_INPUT), each breaking one rule of the 14-byte format. */
export function badInputs(): Uint8Array[] {
  const valid = (): Uint8Array => encodeInput({ seq: 1, buttons: 0, aim: 0, clientTick: 0 });
  const withFloat = (v: number): Uint8Array => {
    const b = valid();
    new DataView(b.buffer).setFloat32(6, v);
    return b;
  };
  const withByte = (at: number, v: number): Uint8Array => {
    const b = valid();
    b[at] = v;
    return b;
  };
  return [
    new Uint8Array(0), new Uint8Array(1), valid().subarray(0, 13), new Uint8Array([...valid(), 0]), new Uint8Array(3000),
    withFloat(Number.NaN), withFloat(Number.POSITIVE_INFINITY), withFloat(Number.NEGATIVE_INFINITY), withFloat(65), withFloat(-1e30),
    withByte(0, 0), withByte(0, 2), withByte(0, 255), withByte(5, 0xff), withByte(5, 0x80),
  ];
}

interface Opened {
  socket: Socket;
  errors: string[];
  disconnect: Promise<string>;
}

/** A fresh connection (forceNew) to one namespace with this token; resolves once connected. */
export async function openNamespace(url: string, nsp: '/lobby' | '/match', token: string, tally: Tally): Promise<Opened> {
  const socket = io(url + nsp, compactWireOptions({ transports: ['websocket'], forceNew: true, reconnection: false, auth: handshakeAuth(token), timeout: 5000 }));
  const errors: string[] = [];
  socket.on('protocol_error', (e: { code?: string }) => {
    errors.push(String(e?.code));
    tally.error(String(e?.code));
  });
  const disconnect = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(new Error(`connect ${nsp}: ${e.message}`)));
  });
  tally.connection(`events ${nsp}`);
  void disconnect.then((reason) => tally.close(`events ${nsp}: ${reason}${errors.length ? ` after ${errors.at(-1)}` : ''}`));
  return { socket, errors, disconnect };
}

/** Emits with an acknowledgement; resolves with its answer's code ('ok', a code, or 'no answer'). */
export function request(socket: Socket, event: string, args: unknown[], timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve('not connected');
    const timer = setTimeout(() => resolve('no answer'), timeoutMs);
    const onGone = () => {
      clearTimeout(timer);
      resolve('disconnected');
    };
    socket.once('disconnect', onGone);
    socket.emit(event, ...args, (res: unknown) => {
      clearTimeout(timer);
      socket.off('disconnect', onGone);
      if (typeof res === 'number') return resolve('ok');
      const r = res as { ok?: boolean; code?: string } | null;
      resolve(r && r.ok === false ? String(r.code) : 'ok');
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every event of `nsp` (plus foreign names) with every wrong payload, with and without an ack.
 * Reconnects whenever the server cut the connection. Returns the refusal codes seen per event.
 */
export async function fuzzNamespaceEvents(url: string, nsp: '/lobby' | '/match', token: string, tally: Tally, rng: Prng): Promise<void> {
  const category = `events ${nsp}`;
  const events = [...(nsp === '/lobby' ? LOBBY_REQUESTS : MATCH_CLIENT_EVENTS.filter((e) => e !== 'input')), ...FOREIGN_EVENTS];
  let conn = await openNamespace(url, nsp, token, tally);
  const ensure = async (): Promise<Socket> => {
    if (!conn.socket.connected) {
      conn.socket.close();
      conn = await openNamespace(url, nsp, token, tally);
    }
    return conn.socket;
  };
  try {
    for (const event of events) {
      for (const payload of wrongPayloads()) {
        // Requests that would really place this guest (a valid quick-play mode…) are not wrong payloads.
        const args = payload === undefined ? [] : [payload];
        const socket = await ensure();
        const code = await request(socket, event, args);
        tally.frames(category, 1);
        if (code !== 'ok') tally.error(`ack ${code}`);
        // Without an ack: the server cannot answer, so it strikes (and cuts after ten).
        if (rng.int(3) === 0) {
          (await ensure()).emit(event, ...args);
          tally.frames(category, 1);
          await sleep(5);
        }
        // Two arguments and a trailing non-function "ack".
        if (rng.int(8) === 0 && !(payload instanceof Uint8Array)) {
          (await ensure()).emit(event, payload ?? {}, { not: 'a function' }, 7);
          tally.frames(category, 1);
        }
      }
    }
    // Inputs on /match from a socket in no match: refused with NOT_IN_MATCH strikes.
    if (nsp === '/match') {
      for (let i = 0; i < 12; i++) {
        (await ensure()).emit('input', encodeInput({ seq: i + 1, buttons: 0, aim: 0, clientTick: 0 }));
        tally.frames(category, 1);
        await sleep(5);
      }
      await sleep(50);
    }
  } finally {
    conn.socket.close();
  }
}

/**
 * A player in its own private match: wrong inputs (each refused with BAD_INPUT and a disconnect,
 * then it comes back to its seat), replayed and old sequence numbers (dropped and counted), and
 * text where binary belongs.
 */
export async function fuzzPlayerInputs(url: string, token: string, tally: Tally): Promise<{ matchId: string }> {
  const category = 'events /match inputs';
  const lobby = await openNamespace(url, '/lobby', token, tally);
  let seat: { ok: boolean; matchId?: string; code?: string };
  try {
    seat = await new Promise((resolve) => lobby.socket.emit('create_private', { maxPlayers: 4 }, resolve));
  } finally {
    lobby.socket.close();
  }
  if (!seat.ok || !seat.matchId) throw new Error(`create_private: ${seat.code}`);
  const matchId = seat.matchId;
  const joined = async (): Promise<Opened> => {
    const m = await openNamespace(url, '/match', token, tally);
    const code = await request(m.socket, 'join', [{ matchId }]);
    if (code !== 'ok') throw new Error(`join own match: ${code}`);
    return m;
  };
  for (const bytes of badInputs()) {
    const m = await joined();
    m.socket.emit('input', bytes);
    tally.frames(category, 1);
    await Promise.race([m.disconnect, sleep(3000)]);
    m.socket.close();
  }
  // Not binary at all.
  for (const payload of [{ seq: 1 }, 'AAAA', [1, 2, 3], null]) {
    const m = await joined();
    m.socket.emit('input', payload);
    tally.frames(category, 1);
    await Promise.race([m.disconnect, sleep(3000)]);
    m.socket.close();
  }
  // Replays: valid inputs whose sequence numbers go back; the server drops them silently.
  const m = await joined();
  for (const seq of [10, 10, 10, 9, 1, 0, 2 ** 32 - 1, 5, 2 ** 32 - 1, 11]) {
    m.socket.emit('input', encodeInput({ seq, buttons: 0, aim: 0.5, clientTick: 2 ** 32 - 1 }));
    tally.frames(category, 1);
    await sleep(10);
  }
  // An input with an acknowledgement nobody will answer, and a start request as the creator.
  m.socket.emit('input', encodeInput({ seq: 2 ** 32 - 1, buttons: 0, aim: 0, clientTick: 0 }), () => tally.error('input acked?!'));
  tally.frames(category, 1);
  const leave = await request(m.socket, 'leave', []);
  tally.frames(category, 1);
  if (leave !== 'ok') tally.error(`ack ${leave}`);
  m.socket.close();
  return { matchId };
}

/**
 * Someone else's match: a spectator sending inputs (READ_ONLY strikes, cut after ten), and a
 * player asking for the seat / start of a match it has no seat in.
 */
export async function fuzzOthersMatch(url: string, token: string, matchId: string, tally: Tally): Promise<void> {
  const category = 'events /match others';
  const spectator = await openNamespace(url, '/match', token, tally);
  const watched = await request(spectator.socket, 'spectate', [{ matchId }]);
  tally.frames(category, 1);
  if (watched !== 'ok') tally.error(`ack ${watched}`);
  for (let i = 0; i < 12 && spectator.socket.connected; i++) {
    spectator.socket.emit('input', encodeInput({ seq: i + 1, buttons: 1, aim: 0, clientTick: 0 }));
    tally.frames(category, 1);
    await sleep(10);
  }
  await Promise.race([spectator.disconnect, sleep(2000)]);
  spectator.socket.close();

  const intruder = await openNamespace(url, '/match', token, tally);
  for (const [event, args] of [
    ['join', [{ matchId }]],
    ['join', [{ matchId, slot: 0 }]],
    ['start', []],
    ['chat', [{ text: 'hi' }]],
  ] as const) {
    const code = await request(intruder.socket, event, [...args]);
    tally.frames(category, 1);
    if (code !== 'ok') tally.error(`ack ${code}`);
  }
  intruder.socket.close();
}
