/**
 * The bots' start-up probes must pass on the ws, engine.io-client and Node this repository runs,
 * and must name the member when an upgrade moves one (faked here by subclasses and sockets that
 * keep the field under another name). The bots then take the public path: a light bot reads
 * snapshots from ws's 'message' event and sends inputs with `ws.send`, or leaves both to
 * socket.io-client when engine.io-client's `ws` cannot be found.
 */
import { EventEmitter } from 'node:events';
import { Socket as NetSocket } from 'node:net';
import { transports } from 'engine.io-client';
import type { Manager } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { wireParser } from '../../shared/protocol/wire.ts';
import { RawMatchFrames } from '../raw-match-frames.ts';
import { checkBotInternals, type BotInternals } from './bot-internals.ts';
import { probeEngineIoClient, type ClientTransportClass } from './engine-io-client.ts';
import { probeNodeNet } from './node-net.ts';
import { probeWsClient, type WsClass } from './ws.ts';

/** ws's WebSocket as a release that keeps its TCP socket in `_tcp` would wire it. */
class RenamedSocketWs extends (WebSocket as unknown as new (...args: unknown[]) => Record<string, unknown> & { setSocket(...a: unknown[]): void }) {
  override setSocket(...args: unknown[]): void {
    super.setSocket(...args);
    this._tcp = this._socket;
    this._socket = null;
  }
}

/** engine.io-client's WebSocket transport as a release that keeps its socket in `socketWs` would open it. */
class RenamedWsTransport extends (transports.websocket as unknown as new (opts: object) => Record<string, unknown> & { doOpen(): void }) {
  override doOpen(): void {
    super.doOpen();
    this.socketWs = this.ws;
    delete this.ws;
  }
}

/** A net.Socket of a Node whose onread buffer field is called `kReadBuffer`. */
function renamedBufferSocket(): NetSocket {
  const socket = new NetSocket();
  const own = socket as unknown as Record<symbol, unknown>;
  const kBuffer = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kBuffer')!;
  own[Symbol('kReadBuffer')] = own[kBuffer];
  delete own[kBuffer];
  return socket;
}

describe('bot start-up probes', () => {
  it('pass on the installed ws, engine.io-client and Node', () => {
    expect(probeWsClient()).toBeNull();
    expect(probeEngineIoClient()).toBeNull();
    expect(probeNodeNet()).toBeNull();
  });

  it('name the member an upgrade moved', () => {
    expect(probeWsClient(RenamedSocketWs as unknown as WsClass)).toMatch(/^ws: WebSocket#_socket/);
    expect(probeEngineIoClient(RenamedWsTransport as unknown as ClientTransportClass)).toMatch(/^engine\.io-client: .*`ws`/);
    expect(probeNodeNet(renamedBufferSocket)).toMatch(/^node: net\.Socket's kBuffer/);
  });
});

describe('checkBotInternals', () => {
  it('tells one line per moved member, naming it and the path taken instead', () => {
    const lines: string[] = [];
    const internals = checkBotInternals((l) => lines.push(l), {
      ws: () => probeWsClient(RenamedSocketWs as unknown as WsClass),
      engineIoClient: () => null,
      node: () => null,
    });
    expect(lines).toEqual([expect.stringMatching(/^ws: WebSocket#_socket.*'message' event.*ws\.send/)]);
    expect(internals).toMatchObject({ engineWs: true, tap: false, sharedReads: false });
  });

  it('turns shared reads off once when a live socket has no useUserBuffer', () => {
    const lines: string[] = [];
    const internals = checkBotInternals((l) => lines.push(l), { ws: () => null, engineIoClient: () => null, node: () => null });
    expect(internals.sharedReads).toBe(true);
    internals.nodeHandleMoved();
    internals.nodeHandleMoved();
    expect(internals.sharedReads).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/useUserBuffer/)]);
  });
});

describe('a light bot without the TCP tap', () => {
  const SNAPSHOT = wireParser.eventPrefix('/match', 'snapshot')!;
  const INPUT = wireParser.eventPrefix('/match', 'input')!;

  function connection(): { manager: Manager; ws: EventEmitter & { sent: Uint8Array[]; engineHeard: unknown[] } } {
    const ws = Object.assign(new EventEmitter(), {
      readyState: 1,
      sent: [] as Uint8Array[],
      engineHeard: [] as unknown[],
      onmessage: null as ((ev: { data: unknown }) => void) | null,
      send(data: Uint8Array) {
        ws.sent.push(data);
      },
    });
    ws.onmessage = (ev) => ws.engineHeard.push(ev.data);
    const engine = Object.assign(new EventEmitter(), { readyState: 'open', transport: { name: 'websocket', ws } });
    const manager = Object.assign(new EventEmitter(), { engine }) as unknown as Manager;
    return { manager, ws };
  }

  const noTap: BotInternals = { engineWs: true, tap: false, sharedReads: false, nodeHandleMoved() {} };

  it("reads snapshots from ws's 'message' event and sends inputs with ws.send", async () => {
    const { manager, ws } = connection();
    const snapshots: number[] = [];
    const raw = new RawMatchFrames(manager, (p) => snapshots.push(p.length), noTap);
    await new Promise((r) => process.nextTick(r));
    expect(raw.onTcp).toBe(false);
    ws.emit('message', Buffer.from([...SNAPSHOT, 9, 9, 9]), true);
    ws.emit('message', Buffer.from('2'), false);
    expect(snapshots).toEqual([3]);
    expect(ws.engineHeard).toEqual(['2']);
    expect(raw.writeInput(Uint8Array.of(7, 7))).toBe(true);
    expect([...ws.sent[0]!]).toEqual([...INPUT, 7, 7]);
  });

  it("leaves everything to socket.io-client when engine.io-client's ws cannot be found", async () => {
    const { manager, ws } = connection();
    const raw = new RawMatchFrames(manager, () => {}, { ...noTap, engineWs: false });
    await new Promise((r) => process.nextTick(r));
    expect(raw.writeInput(Uint8Array.of(7))).toBe(false);
    expect(ws.listenerCount('message')).toBe(0);
    expect(ws.sent).toEqual([]);
  });
});
