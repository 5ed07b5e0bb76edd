import { afterEach, describe, expect, it } from 'vitest';
import type { Manager } from 'socket.io-client';
import { authFor } from '../../../shared/client/connection-options.ts';
import { createManager } from '../../../shared/client/lobby-client.ts';
import { adoptingWebSocket } from './adopting-transport.ts';
import { engineSocketUrl, lobbyConnectFrame, openEarlySocket, type EarlySocket } from './early-socket.ts';

/** A browser WebSocket's surface, with the server's side driven by the test. */
class FakeSocket extends EventTarget {
  readyState = 0;
  binaryType = 'blob';
  readonly sent: unknown[] = [];
  closed = false;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: Event) => void) | null = null;
  onclose: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  constructor(readonly url: string) {
    super();
  }
  send(data: unknown): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  serverOpens(): void {
    this.readyState = 1;
    this.fire('open', new Event('open'));
  }
  serverSends(data: string): void {
    this.fire('message', Object.assign(new Event('message'), { data }));
  }
  serverCloses(): void {
    this.readyState = 3;
    this.fire('close', new Event('close'));
  }
  private fire(type: 'open' | 'message' | 'close', e: Event): void {
    this.dispatchEvent(e);
    this[`on${type}`]?.(e);
  }
}

const ORIGIN = 'http://127.0.0.1:4321';
const OPEN_PACKET = '0{"sid":"engine-1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const tick = () => new Promise((r) => setTimeout(r, 0));

let managers: Manager[] = [];
afterEach(() => {
  for (const m of managers) m._close();
  managers = [];
});

/** The SDK's manager (compact wire, the server's path) with the adopting transport first. */
function manager(early: EarlySocket, path = '/socket.io', origin = ORIGIN): Manager {
  const m = createManager(origin, { path, transports: [adoptingWebSocket(early)], reconnection: false });
  managers.push(m);
  return m;
}

function early(url: string): { early: EarlySocket; socket: () => FakeSocket } {
  let made: FakeSocket | null = null;
  const e = openEarlySocket(url, (u) => (made = new FakeSocket(u)) as unknown as WebSocket)!;
  return { early: e, socket: () => made! };
}

describe('the early WebSocket', () => {
  it('is opened for exactly the address socket.io-client asks for (path with or without its slash, default ports, https)', () => {
    for (const [origin, path] of [
      [ORIGIN, '/socket.io'],
      [ORIGIN, '/game/socket.io/'],
      ['https://arena.example', '/socket.io'],
      ['http://[::1]:8080', '/socket.io'],
    ] as const) {
      const asked: string[] = [];
      const spy: EarlySocket = { url: '', sendOnceOpen: async () => false, take: (u) => (asked.push(u), null), discard: () => {} };
      // take() answering null lets the transport open its own socket, which Node has none of: the
      // error that follows is the engine's business, the address asked is what is checked.
      const m = createManager(origin, { path, transports: [adoptingWebSocket(spy)], reconnection: false });
      m.on('error', () => {});
      managers.push(m);
      expect(asked).toEqual([engineSocketUrl(origin, path)]);
    }
  });

  it('is taken over after it opened: the open packet is replayed and socket.io connects on it', async () => {
    const e = early(engineSocketUrl(ORIGIN, '/socket.io'));
    e.socket().serverOpens();
    e.socket().serverSends(OPEN_PACKET);
    const m = manager(e.early);
    const lobby = m.socket('/lobby', { auth: { token: 't' } });
    const connected = new Promise<void>((r) => lobby.on('connect', () => r()));
    await tick();
    expect(m.engine.id).toBe('engine-1');
    expect(e.socket().sent.map(String)).toEqual([expect.stringMatching(/^40\/lobby,/)]);
    e.socket().serverSends('40/lobby,{"sid":"s-1"}');
    await connected;
    expect(lobby.id).toBe('s-1');
  });

  it('is taken over while still connecting: its own open event carries on', async () => {
    const e = early(engineSocketUrl(ORIGIN, '/socket.io'));
    const m = manager(e.early);
    const lobby = m.socket('/lobby', { auth: { token: 't' } });
    await tick();
    expect(e.socket().sent).toEqual([]);
    e.socket().serverOpens();
    e.socket().serverSends(OPEN_PACKET);
    await tick();
    expect(e.socket().sent.map(String)).toEqual([expect.stringMatching(/^40\/lobby,/)]);
    expect(lobby.connected).toBe(false);
  });

  it("carries the lobby's CONNECT sent before the hand-over: the client's identical one is not sent again, and the answer is there at once", async () => {
    const e = early(engineSocketUrl(ORIGIN, '/socket.io'));
    e.socket().serverOpens();
    const out = e.early.sendOnceOpen(lobbyConnectFrame('t'));
    expect(e.socket().sent).toEqual([]); // engine.io's open packet first, as the client waits for it
    e.socket().serverSends(OPEN_PACKET);
    expect(e.socket().sent).toEqual([lobbyConnectFrame('t')]);
    await expect(out).resolves.toBe(true);
    e.socket().serverSends('40/lobby,{"sid":"s-1"}');
    e.socket().serverSends('42/lobby,["session",{"guestId":"g-1"}]');
    const m = manager(e.early);
    // as the SDK asks for it: a function, asked at every connect
    const lobby = m.socket('/lobby', { auth: authFor(() => 't') });
    const session = new Promise((r) => lobby.on('session' as never, r));
    await tick();
    expect(lobby.connected).toBe(true);
    expect(lobby.id).toBe('s-1');
    await expect(session).resolves.toEqual({ guestId: 'g-1' });
    const match = m.socket('/match', { auth: authFor(() => 't') });
    await tick();
    // one CONNECT of /lobby in all (the entry's), the client's /match one as usual
    expect(e.socket().sent.map(String)).toEqual([lobbyConnectFrame('t'), expect.stringMatching(/^40\/match,/)]);
    expect(match.connected).toBe(false);
  });

  it("sends the client's own CONNECT when it differs from the one sent early (another token), and when the early one was never sent", async () => {
    const a = early(engineSocketUrl(ORIGIN, '/socket.io'));
    a.socket().serverOpens();
    a.socket().serverSends(OPEN_PACKET);
    a.early.sendOnceOpen(lobbyConnectFrame('old'));
    manager(a.early).socket('/lobby', { auth: authFor(() => 'new') });
    await tick();
    expect(a.socket().sent).toEqual([lobbyConnectFrame('old'), lobbyConnectFrame('new')]);

    // taken before engine.io's open packet came: the waiting frame is dropped, the client sends its own
    const b = early(engineSocketUrl(ORIGIN, '/socket.io'));
    b.socket().serverOpens();
    const dropped = b.early.sendOnceOpen(lobbyConnectFrame('t'));
    manager(b.early).socket('/lobby', { auth: authFor(() => 't') });
    await expect(dropped).resolves.toBe(false);
    await tick();
    b.socket().serverSends(OPEN_PACKET);
    await tick();
    expect(b.socket().sent).toEqual([lobbyConnectFrame('t')]);
  });

  it('is handed over once: a second connection opens its own', () => {
    const e = early(engineSocketUrl(ORIGIN, '/socket.io'));
    // as engine.io-client would set it in a browser: frames kept before the hand-over are alike
    expect(e.socket().binaryType).toBe('arraybuffer');
    e.socket().serverOpens();
    expect(e.early.take(e.early.url)?.opened).toBe(true);
    expect(e.early.take(e.early.url)).toBeNull();
  });

  it('is not handed over once it closed, nor for another address (then it is closed)', () => {
    const dead = early(engineSocketUrl(ORIGIN, '/socket.io'));
    dead.socket().serverOpens();
    dead.socket().serverCloses();
    expect(dead.early.take(dead.early.url)).toBeNull();

    const other = early(engineSocketUrl(ORIGIN, '/socket.io'));
    other.socket().serverOpens();
    expect(other.early.take(engineSocketUrl(ORIGIN, '/elsewhere'))).toBeNull();
    expect(other.socket().closed).toBe(true);
  });

  it('is closed when discarded untaken, and left alone once taken', () => {
    const a = early(engineSocketUrl(ORIGIN, '/socket.io'));
    a.early.discard();
    expect(a.socket().closed).toBe(true);
    expect(a.early.take(a.early.url)).toBeNull();

    const b = early(engineSocketUrl(ORIGIN, '/socket.io'));
    expect(b.early.take(b.early.url)).not.toBeNull();
    b.early.discard();
    expect(b.socket().closed).toBe(false);
  });

  it('says a frame was not sent when the socket closed before engine.io opened', async () => {
    const e = early(engineSocketUrl(ORIGIN, '/socket.io'));
    e.socket().serverOpens();
    const out = e.early.sendOnceOpen(lobbyConnectFrame('t'));
    e.socket().serverCloses();
    await expect(out).resolves.toBe(false);
    await expect(e.early.sendOnceOpen(lobbyConnectFrame('t'))).resolves.toBe(false);
    expect(e.socket().sent).toEqual([]);
  });

  it('is null when the browser refuses the address', () => {
    expect(
      openEarlySocket('ws://bad', () => {
        throw new SyntaxError('bad');
      }),
    ).toBeNull();
  });
});
