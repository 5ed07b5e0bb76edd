/**
 * Sends hostile frames (hostile-frames.ts) over raw connections, a few connections at a time,
 * checks each case's expectation, and tallies what was sent and how the server answered.
 */
import { PacketType, type Packet } from 'socket.io-parser';
import { FRAME_CATEGORIES, mutate, validFrames, type FrameCase } from './hostile-frames.ts';
import { Prng } from './prng.ts';
import { openPolling, openWebSocket, type RawConn } from './raw-client.ts';
import type { Tally } from './tally.ts';

/** Packets that mean "refused": a protocol_error event, a namespace's connect_error, an ack with ok: false. */
export function errorCodeOf(p: Packet): string | null {
  if (p.type === PacketType.ACK && Array.isArray(p.data)) {
    const res = p.data[0] as { ok?: boolean; code?: string } | null;
    return res && typeof res === 'object' && res.ok === false ? `ack ${res.code ?? '?'}` : null;
  }
  if (p.type === PacketType.CONNECT_ERROR) {
    const d = p.data as { message?: string; data?: { code?: string } } | undefined;
    return `connect_error ${d?.data?.code ?? d?.message ?? '?'}`;
  }
  if (p.type === PacketType.EVENT && Array.isArray(p.data) && p.data[0] === 'protocol_error') {
    return String((p.data[1] as { code?: string } | undefined)?.code ?? '?');
  }
  return null;
}

async function open(url: string, transport: FrameCase['transport']): Promise<RawConn> {
  return transport === 'websocket' ? openWebSocket(url) : openPolling(url);
}

/** Connects the namespaces (/lobby and /match by default) with the token; false if the server refused. */
export async function authenticate(conn: RawConn, token: string, namespaces: readonly string[] = ['/lobby', '/match']): Promise<boolean> {
  const auth = JSON.stringify({ token, protocol: 2 });
  await conn.send(namespaces.map((n) => `40${n},${auth}`));
  for (const nsp of namespaces) {
    const p = await conn.waitPacket((q) => q.nsp === nsp && (q.type === PacketType.CONNECT || q.type === PacketType.CONNECT_ERROR), 5000);
    if (p?.type !== PacketType.CONNECT) return false;
  }
  return true;
}

const CLOCK_PROBE_ID = 424242;

/** Normalises a close reason for counting (socket ids and such out). */
function closeKind(reason: string): string {
  return reason.replace(/sid=\S+/, '').trim();
}

export async function runCase(url: string, token: string, c: FrameCase, tally: Tally): Promise<void> {
  const label = `${c.category}/${c.transport}`;
  const conn = await open(url, c.transport);
  tally.connection(c.category);
  try {
    if (c.auth && !(await authenticate(conn, token))) {
      tally.mismatches.push(`${c.name} (${c.transport}): could not authenticate first`);
      return;
    }
    const before = conn.outcome.packets.length;
    if (c.separately) {
      for (const f of c.frames) {
        if (conn.outcome.closed !== null) break;
        await conn.send([f]);
        tally.frames(c.category, 1);
        // Let the server handle one before the next arrives (it handles packets on the next tick).
        await new Promise((r) => setTimeout(r, 20));
      }
    } else {
      await conn.send(c.frames);
      tally.frames(c.category, c.frames.length);
    }
    const errorAfter = (): string | null => {
      for (const p of conn.outcome.packets.slice(before)) {
        const code = errorCodeOf(p);
        if (code) return code;
      }
      return null;
    };
    let ok = true;
    let note = '';
    switch (c.expect) {
      case 'closed':
        ok = await conn.waitClosed(4000);
        break;
      case 'refused':
        ok = await conn.waitPacket((p) => conn.outcome.packets.indexOf(p) >= before && errorCodeOf(p) !== null, 4000).then((p) => p !== null || conn.outcome.closed !== null);
        break;
      case 'open': {
        // Still served: a clock request on /match is answered.
        await new Promise((r) => setTimeout(r, 50));
        await conn.send([`42/match,${CLOCK_PROBE_ID}["clock"]`]);
        const ack = await conn.waitPacket((p) => p.type === PacketType.ACK && p.id === CLOCK_PROBE_ID, 4000);
        ok = ack !== null && conn.outcome.closed === null;
        note = ack ? '' : 'no clock answer';
        break;
      }
      case 'any':
        await conn.waitClosed(150);
        break;
    }
    const code = errorAfter();
    if (code) tally.error(code);
    if (conn.outcome.closed !== null) tally.close(`${label}: ${closeKind(conn.outcome.closed)}`);
    if (!ok) tally.mismatches.push(`${c.name} (${c.transport}): expected ${c.expect}, got ${conn.outcome.closed ?? 'still open'}${code ? `, ${code}` : ''} ${note}`);
  } finally {
    await conn.close();
  }
}

/**
 * Seeded random mutations of valid frames over one authenticated connection, until the server
 * closes it or `perConnection` frames went out. Returns how many were sent.
 */
export async function runMutations(url: string, token: string, rng: Prng, perConnection: number, tally: Tally): Promise<number> {
  const transport = rng.int(4) === 0 ? 'polling' : 'websocket';
  const conn = await open(url, transport);
  tally.connection('random-mutation');
  let sent = 0;
  try {
    if (!(await authenticate(conn, token))) return 0;
    const before = conn.outcome.packets.length;
    const seeds = validFrames(token);
    for (let i = 0; i < perConnection && conn.outcome.closed === null; i++) {
      let frame = rng.pick(seeds);
      for (let m = 1 + rng.int(3); m > 0; m--) frame = mutate(frame, rng);
      // Polling carries binary as base64 text; an empty binary frame has no meaning there.
      if (typeof frame !== 'string' && frame.length === 0) continue;
      await conn.send([frame]);
      sent += 1;
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 10));
    }
    await conn.waitClosed(100);
    for (const p of conn.outcome.packets.slice(before)) {
      const code = errorCodeOf(p);
      if (code) tally.error(code);
    }
    if (conn.outcome.closed !== null) tally.close(`random-mutation/${transport}: ${closeKind(conn.outcome.closed)}`);
    tally.frames('random-mutation', sent);
    return sent;
  } finally {
    await conn.close();
  }
}

/** Runs `jobs` with at most `concurrency` at a time; a job's own failure is recorded, not thrown. */
export async function pool<T>(items: readonly T[], concurrency: number, job: (item: T) => Promise<void>, onError: (item: T, e: unknown) => void): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await job(item);
      } catch (e) {
        onError(item, e);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export { FRAME_CATEGORIES };
