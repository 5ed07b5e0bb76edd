/**
 * The lobby against the real server process: guest auth, quick play (one match, then fifty
 * players at once), private codes, the live match list, spectators, chat, and hostile input.
 * After every test the invariants hold: no listed match over capacity, no player in two matches.
 */
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient, createManager } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { MatchState } from '../../shared/protocol/events.ts';
import { CODE_ALPHABET } from '../../shared/protocol/lobby-rules.ts';
import { connectPlayer, expectLobbyInvariants, GAMES, guest, playerWithSession, publicMatches, seatOf, type TestPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { eventually, sleep, waitFor } from '../support/wait.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const MAX = 4;
const STATE_ORDER: MatchState[] = ['waiting', 'countdown', 'playing', 'ended', 'disposed'];

type Untyped = { emit: (event: string, ...args: unknown[]) => void };
const raw = (socket: unknown): Untyped => socket as Untyped;

/** Emits with an acknowledgement and resolves with whatever the server answers. */
function ask(socket: unknown, event: string, payload: unknown): Promise<AckResult<Record<string, unknown>>> {
  return new Promise((resolve) => raw(socket).emit(event, payload, resolve));
}

describe('lobby', () => {
  let server: ServerProcess;
  let url: string;
  const players: TestPlayer[] = [];
  const player = async (nickname: string): Promise<TestPlayer> => {
    const p = await connectPlayer(url, nickname);
    players.push(p);
    return p;
  };

  beforeAll(async () => {
    server = await startServer({
      AUTH_SECRET: SECRET,
      QUEUE_MAX_PLAYERS: String(MAX),
      QUEUE_MIN_PLAYERS: '2',
      // Long enough that in this file matches only form full: outcomes do not depend on timing.
      QUEUE_WAIT_MS: '60000',
      BOT_FILL: 'off',
      COUNTDOWN_MS: '200',
      RECONNECT_GRACE_MS: '3000',
      // Spectators here watch live: the delayed stream has its own tests (delayed-spectators, cluster-spectators).
      SPECTATOR_DELAY_S: '0',
      CHAT_BURST: '3',
      CHAT_INTERVAL_MS: '60000',
      ENDED_LINGER_MS: '500',
    });
    url = server.url;
  });
  afterEach(async () => {
    await expectLobbyInvariants(url, players);
    for (const p of players.splice(0)) p.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('guest auth', () => {
    it('issues a signed token with the player id and the trimmed nickname, suffixed when taken', async () => {
      const post = (body: string) => fetch(`${url}/api/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const res = await post(JSON.stringify({ nickname: '  Ada  Lovelace ' }));
      expect(res.status).toBe(200);
      // Not kept open: a client reusing it as the server times it out would see its next POST reset.
      expect(res.headers.get('connection')).toBe('close');
      const first = (await res.json()) as Record<string, unknown>;
      expect(first).toMatchObject({ ok: true, nickname: 'Ada Lovelace' });
      expect(first.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(first.guestId).toMatch(/^g_[\w-]{22}$/);
      const second = (await (await post(JSON.stringify({ nickname: 'ada lovelace' }))).json()) as Record<string, unknown>;
      expect(second.nickname).toBe('ada lovelace2');
      expect(second.guestId).not.toBe(first.guestId);

      for (const bad of ['', '   ', 'x'.repeat(17), '<b>hi</b>', 'tab\u0000null']) {
        const r = await post(JSON.stringify({ nickname: bad }));
        expect(r.status, JSON.stringify(bad)).toBe(400);
        expect(await r.json()).toMatchObject({ ok: false, code: 'BAD_NICKNAME' });
      }
      expect(await (await post(JSON.stringify({ nickname: 42 }))).json()).toMatchObject({ code: 'BAD_NICKNAME' });
      const notJson = await post('{nickname');
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect((await fetch(`${url}/api/guest`)).status).toBe(405);
    });

    it('refuses missing, forged, tampered, unsigned and expired tokens at the handshake of /lobby and /match', async () => {
      const real = await guest(url, 'real');
      const secret = new TextEncoder().encode(SECRET);
      const now = Math.floor(Date.now() / 1000);
      const sign = (key: Uint8Array, iat: number, exp: number) =>
        new SignJWT({ name: 'real' }).setProtectedHeader({ alg: 'HS256' }).setSubject(real.guestId).setIssuedAt(iat).setExpirationTime(exp).sign(key);
      const expired = await sign(secret, now - 7200, now - 3600);
      const forged = await sign(new TextEncoder().encode('another-secret-another-secret-000'), now, now + 3600);
      const [header, payload, signature] = real.token.split('.');
      const otherName = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), name: 'admin' })).toString('base64url');
      const tampered = `${header}.${otherName}.${signature}`;
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;

      const cases: [string | undefined, string][] = [
        [undefined, 'AUTH_MISSING'],
        ['', 'AUTH_MISSING'],
        [expired, 'AUTH_EXPIRED'],
        [forged, 'AUTH_INVALID'],
        [tampered, 'AUTH_INVALID'],
        [unsigned, 'AUTH_INVALID'],
        ['not.a.token', 'AUTH_INVALID'],
      ];
      for (const [token, code] of cases) {
        const manager = createManager(url, { reconnection: false });
        const lobby = new LobbyClient(url, {}, { token: token as string, manager });
        const ready = await lobby.ready();
        expect(ready.ok).toBe(false);
        if (!ready.ok) expect(ready.code, `lobby with ${code}`).toBe(code);
        const match = new MatchConnection(url, {}, { token: token as string, manager, games: GAMES });
        const refused = await match.connected().then(
          () => 'connected',
          (e: Error & { data?: { code: string } }) => `${e.message}/${e.data?.code}`,
        );
        expect(refused).toBe(`${code}/${code}`);
        manager.engine?.close();
      }
      // A client of another protocol version is told to reload, whatever its token.
      const manager = createManager(url, { reconnection: false });
      const stale = new LobbyClient(url, {}, { token: real.token, manager });
      stale.socket.auth = { token: real.token, protocol: 1 };
      stale.socket.disconnect().connect();
      expect(await stale.ready()).toMatchObject({ ok: false, code: 'VERSION_MISMATCH' });
      manager.engine?.close();
      // The genuine token still works, and a valid signature made with the server's secret is accepted.
      const ok = await playerWithSession(url, real);
      expect(ok.lobby.session?.guestId).toBe(real.guestId);
      ok.close();
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/game_protocol_errors_total\{code="AUTH_EXPIRED"\} [1-9]/);
    });
  });

  describe('quick play', () => {
    it(`forms exactly one match from ${MAX} players queueing for a ${MAX}-player mode`, async () => {
      const before = new Set((await publicMatches(url)).map((m) => m.matchId));
      const group = await Promise.all([0, 1, 2, 3].map((i) => player(`qp${i}`)));
      const queued = await Promise.all(group.map((p) => p.lobby.quickPlay('ffa')));
      for (const q of queued) expect(q.ok).toBe(true);
      const seats = await Promise.all(group.map((p) => p.lobby.waitForMatch(10_000)));
      const matchIds = new Set(seats.map((s) => (s.ok ? s.matchId : `error:${s.code}`)));
      expect(matchIds.size).toBe(1);
      const [matchId] = [...matchIds] as [string];
      expect(seats[0]).toMatchObject({ ok: true, mode: 'ffa', visibility: 'public', code: null });

      const views = group.map((p) => p.openMatch());
      const joins = await Promise.all(views.map((v) => v.conn.join(matchId)));
      const slots = joins.map((j) => (j.ok ? j.slot : -1)).sort();
      expect(slots).toEqual([0, 1, 2, 3]);
      for (const v of views) await waitFor(() => v.phases.some((p) => p.state === 'playing'), 'playing');
      expect(views[0]!.phases.map((p) => p.state)).toEqual(['countdown', 'playing']);

      await sleep(200);
      for (const p of group) expect(p.matched).toHaveLength(1);
      const created = (await publicMatches(url)).filter((m) => !before.has(m.matchId));
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ matchId, humans: MAX, players: MAX, bots: 0, maxPlayers: MAX, state: 'playing' });
      // A seated player cannot queue again.
      expect(await group[0]!.lobby.quickPlay('ffa')).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });
    });

    it('places 50 players queueing at once: no player in two matches, no match over capacity', async () => {
      const crowd = await Promise.all(Array.from({ length: 50 }, (_, i) => player(`crowd${i}`)));
      const acks = await Promise.all(crowd.map((p) => p.lobby.quickPlay('ffa')));
      expect(acks.every((a) => a.ok)).toBe(true);
      const full = Math.floor(50 / MAX) * MAX;
      await waitFor(() => crowd.filter((p) => p.matched.length > 0).length >= full, 'full groups placed', 20_000);
      await sleep(300);

      const byMatch = new Map<string, TestPlayer[]>();
      for (const p of crowd) {
        expect(p.matched.length, 'placements per player').toBeLessThanOrEqual(1);
        const seat = p.matched[0];
        if (seat) byMatch.set(seat.matchId, [...(byMatch.get(seat.matchId) ?? []), p]);
      }
      expect(byMatch.size).toBe(full / MAX);
      for (const members of byMatch.values()) expect(members).toHaveLength(MAX);
      const listed = await publicMatches(url);
      for (const [matchId, members] of byMatch) {
        expect(listed.find((m) => m.matchId === matchId)).toMatchObject({ humans: members.length, players: members.length });
      }
      // The remainder is short of a full group and the wait is long: still queued, nowhere seated.
      const waiting = crowd.filter((p) => p.matched.length === 0);
      expect(waiting).toHaveLength(50 - full);
      for (const p of waiting) expect(await p.lobby.cancelQueue()).toEqual({ ok: true, cancelled: true });
      for (const p of crowd.slice(0, 8)) {
        expect(await seatOf(url, p.session)).toBe(p.matched[0]?.matchId ?? null);
      }
    });
  });

  describe('private matches', () => {
    it('creates a match with a short code, joins by code, refuses a wrong or full code', async () => {
      const [owner, friend, third, late] = await Promise.all(['owner', 'friend', 'third', 'late'].map((n) => player(n)));
      const created = await owner!.lobby.createPrivate({ maxPlayers: 2, options: { killTarget: 5, timeLimitS: 120 } });
      if (!created.ok) throw new Error(created.code);
      expect(created.visibility).toBe('private');
      expect(created.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{5}$`));
      expect((await publicMatches(url)).some((m) => m.matchId === created.matchId)).toBe(false);

      // Typed loosely: lower case, a dash, spaces.
      const typed = ` ${created.code!.slice(0, 2).toLowerCase()}-${created.code!.slice(2).toLowerCase()} `;
      expect(await friend!.lobby.joinByCode(typed)).toMatchObject({ ok: true, matchId: created.matchId, code: created.code });
      expect(await third!.lobby.joinByCode('O0I1L')).toMatchObject({ ok: false, code: 'CODE_NOT_FOUND' });
      const unused = [...created.code!].map((c) => (c === '2' ? '3' : '2')).join('');
      expect(await third!.lobby.joinByCode(unused)).toMatchObject({ ok: false, code: 'CODE_NOT_FOUND' });
      expect(await third!.lobby.joinByCode(created.code!)).toMatchObject({ ok: false, code: 'MATCH_FULL' });
      expect(await owner!.lobby.createPrivate()).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });
      expect(await friend!.lobby.quickPlay('ffa')).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });

      const ownerView = owner!.openMatch();
      const friendView = friend!.openMatch();
      const info = await ownerView.conn.join(created.matchId);
      expect(info).toMatchObject({ ok: true, role: 'player', visibility: 'private', slot: 0 });
      if (info.ok) {
        expect(info.setup.rules).toMatchObject({ killTarget: 5, timeLimitS: 120 });
        expect(info).toMatchObject({ game: 'arena', options: { killTarget: 5, timeLimitS: 120 } });
      }
      expect(await friendView.conn.join()).toMatchObject({ ok: true, matchId: created.matchId, slot: 1 });
      // Full: it starts by itself.
      await waitFor(() => friendView.phases.some((p) => p.state === 'playing'), 'private match playing');

      // A freed seat can be taken by code again.
      expect(await friend!.lobby.leaveMatch()).toEqual({ ok: true, left: true });
      await waitFor(() => ownerView.presence.some((p) => p.status === 'left'), 'owner told the friend left');
      expect(await third!.lobby.joinByCode(created.code!)).toMatchObject({ ok: true, matchId: created.matchId });
      expect(await late!.lobby.joinByCode(created.code!)).toMatchObject({ ok: false, code: 'MATCH_FULL' });
    });

    it('waits for its creator to start it when not full; nobody else may start it', async () => {
      const [owner, guestPlayer] = await Promise.all(['host', 'visitor'].map((n) => player(n)));
      const created = await owner!.lobby.createPrivate({ maxPlayers: 4 });
      if (!created.ok) throw new Error(created.code);
      expect((await guestPlayer!.lobby.joinByCode(created.code!)).ok).toBe(true);
      const ownerView = owner!.openMatch();
      const guestView = guestPlayer!.openMatch();
      expect((await ownerView.conn.join(created.matchId)).ok).toBe(true);
      expect((await guestView.conn.join(created.matchId)).ok).toBe(true);
      await sleep(400);
      expect(ownerView.phases).toEqual([]);
      expect(ownerView.snapshots.at(-1)?.phase).toBe(0);
      expect(await guestView.conn.start()).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
      expect(await ownerView.conn.start()).toEqual({ ok: true });
      await waitFor(() => guestView.phases.some((p) => p.state === 'playing'), 'started match playing');
      expect(guestView.phases.map((p) => p.state)).toEqual(['countdown', 'playing']);
      expect(await ownerView.conn.start()).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    });
  });

  describe('public match list', () => {
    it('sends the list once, then created / updated / removed events in order', async () => {
      const watcher = await player('watcher');
      const initial = await watcher.lobby.subscribeList();
      if (!initial.ok) throw new Error(initial.code);

      const [a, b] = await Promise.all(['duelist1', 'duelist2'].map((n) => player(n)));
      await Promise.all([a!.lobby.quickPlay('duel'), b!.lobby.quickPlay('duel')]);
      const seat = await a!.lobby.waitForMatch(10_000);
      if (!seat.ok) throw new Error(seat.code);
      const views = [a!.openMatch(), b!.openMatch()];
      for (const v of views) expect((await v.conn.join(seat.matchId)).ok).toBe(true);
      await waitFor(() => views[0]!.phases.some((p) => p.state === 'playing'), 'duel playing');
      for (const v of views) expect(await v.conn.leave()).toEqual({ ok: true });

      await waitFor(() => watcher.listEvents.some((e) => e.type === 'removed' && e.matchId === seat.matchId), 'removed event');
      const versions = watcher.listEvents.map((e) => e.version);
      expect(versions.every((v, i) => v > initial.version && (i === 0 || v > versions[i - 1]!))).toBe(true);
      const mine = watcher.listEvents.filter((e) => (e.type === 'removed' ? e.matchId : e.match.matchId) === seat.matchId);
      expect(mine[0]!.type).toBe('created');
      expect(mine.at(-1)!.type).toBe('removed');
      expect(mine.slice(1, -1).every((e) => e.type === 'updated')).toBe(true);
      const states = mine.flatMap((e) => (e.type === 'removed' ? [] : [e.match.state]));
      const ranks = states.map((s) => STATE_ORDER.indexOf(s));
      expect(ranks.every((r, i) => i === 0 || r >= ranks[i - 1]!)).toBe(true);
      expect(states).toContain('playing');
      expect(Math.max(...mine.flatMap((e) => (e.type === 'removed' ? [] : [e.match.humans])))).toBe(2);

      // The kept list equals a fresh one.
      await sleep(100);
      const fresh = await publicMatches(url);
      expect([...watcher.lobby.matches.keys()].sort()).toEqual(fresh.map((m) => m.matchId).sort());
    });
  });

  describe('spectators', () => {
    it('watch a public match read-only: snapshots yes, inputs refused', async () => {
      const [a, b, fan] = await Promise.all(['fighter1', 'fighter2', 'fan'].map((n) => player(n)));
      await Promise.all([a!.lobby.quickPlay('duel'), b!.lobby.quickPlay('duel')]);
      const seat = await a!.lobby.waitForMatch(10_000);
      if (!seat.ok) throw new Error(seat.code);
      const av = a!.openMatch();
      const bv = b!.openMatch();
      expect((await av.conn.join(seat.matchId)).ok).toBe(true);
      expect((await bv.conn.join(seat.matchId)).ok).toBe(true);

      const sv = fan!.openMatch();
      const watching = await sv.conn.spectate(seat.matchId);
      expect(watching).toMatchObject({ ok: true, role: 'spectator', slot: -1 });
      if (watching.ok) expect(watching.roster.map((p) => p.nickname).sort()).toEqual(['fighter1', 'fighter2']);
      await waitFor(() => sv.snapshots.length > 3, 'spectator snapshots');
      expect((await publicMatches(url)).find((m) => m.matchId === seat.matchId)?.spectators).toBe(1);

      sv.conn.sendInput({ buttons: 0, aim: 0, clientTick: 0 });
      await waitFor(() => sv.errors.length > 0, 'spectator input refused');
      expect(sv.errors[0]!.code).toBe('READ_ONLY');
      expect(await sv.conn.join(seat.matchId)).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });

      // The players' inputs still count: the spectator sees a's input acknowledged.
      await waitFor(() => sv.snapshots.at(-1)!.phase === 2, 'playing');
      const slot = av.conn.info!.slot;
      const seq = av.conn.sendInput({ buttons: 0, aim: 1, clientTick: sv.snapshots.at(-1)!.tick })!;
      await waitFor(() => (sv.snapshots.at(-1)!.players.find((p) => p.id === slot)?.lastInputSeq ?? 0) >= seq, 'input applied');
      expect(sv.conn.socket.connected).toBe(true);

      // Private matches are not for spectators.
      const owner = await player('secretive');
      const priv = await owner.lobby.createPrivate({ maxPlayers: 2 });
      if (!priv.ok) throw new Error(priv.code);
      const other = owner.openMatch();
      expect(await other.conn.spectate(priv.matchId)).toMatchObject({ ok: false, code: 'MATCH_NOT_FOUND' });
    });
  });

  describe('chat', () => {
    it('delivers lobby chat as plain data, cleaned, length-limited and rate-limited', async () => {
      const [talker, listener, verbose] = await Promise.all(['talker', 'listener', 'verbose'].map((n) => player(n)));
      const markup = '<img src=x onerror="alert(1)"> & <b>bold</b>';
      const results = await Promise.all([
        talker!.lobby.chat(markup),
        talker!.lobby.chat('  hi\u0000\u0007 there\u202E\n '),
        ...Array.from({ length: 8 }, (_, i) => talker!.lobby.chat(`flood ${i}`)),
      ]);
      expect(results[0]).toEqual({ ok: true, text: markup });
      expect(results[1]).toEqual({ ok: true, text: 'hi there' });
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect(results.filter((r) => !r.ok && r.code === 'RATE_LIMITED')).toHaveLength(7);

      await waitFor(() => listener!.lobbyChat.filter((m) => m.from.guestId === talker!.session.guestId).length === 3, 'three messages');
      await sleep(200);
      const heard = listener!.lobbyChat.filter((m) => m.from.guestId === talker!.session.guestId);
      expect(heard.map((m) => m.text)).toEqual([markup, 'hi there', 'flood 0']);
      expect(heard[0]).toMatchObject({ channel: 'lobby', from: { nickname: 'talker' } });

      expect(await verbose!.lobby.chat('x'.repeat(201))).toMatchObject({ ok: false, code: 'TOO_LONG' });
      expect(await verbose!.lobby.chat(' \u0000 ')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(await ask(verbose!.lobby.socket, 'chat', { text: ['a'] })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(await verbose!.lobby.chat('x'.repeat(200))).toMatchObject({ ok: true });

      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/game_protocol_errors_total\{code="RATE_LIMITED"\} [1-9]/);
      expect(metrics).toMatch(/game_protocol_errors_total\{code="TOO_LONG"\} [1-9]/);
    });

    it('delivers match chat to the match room only', async () => {
      const [a, b, outsider] = await Promise.all(['roomA', 'roomB', 'outsider'].map((n) => player(n)));
      const created = await a!.lobby.createPrivate({ maxPlayers: 3 });
      if (!created.ok) throw new Error(created.code);
      await b!.lobby.joinByCode(created.code!);
      const av = a!.openMatch();
      const bv = b!.openMatch();
      await av.conn.join(created.matchId);
      await bv.conn.join(created.matchId);
      const ov = outsider!.openMatch();
      expect(await ov.conn.chat('anyone?')).toMatchObject({ ok: false, code: 'NOT_IN_MATCH' });
      expect(await av.conn.chat('gl hf')).toEqual({ ok: true, text: 'gl hf' });
      await waitFor(() => bv.chat.length > 0, 'match chat');
      expect(bv.chat[0]).toMatchObject({ channel: 'match', text: 'gl hf', from: { nickname: 'roomA' } });
      await sleep(100);
      expect(ov.chat).toEqual([]);
      expect(outsider!.lobbyChat.some((m) => m.text === 'gl hf')).toBe(false);
    });
  });

  describe('bad input', () => {
    it('answers unknown events, wrong payload types and missing acknowledgements with error codes', async () => {
      const p = await player('fuzzer');
      raw(p.lobby.socket).emit('teleport', { x: 1 });
      await waitFor(() => p.lobbyErrors.length > 0, 'unknown event error');
      expect(p.lobbyErrors[0]!.code).toBe('UNKNOWN_EVENT');

      const cases: [string, unknown, string][] = [
        ['quickplay', 'ffa', 'BAD_REQUEST'],
        ['quickplay', null, 'BAD_REQUEST'],
        ['quickplay', [1], 'BAD_REQUEST'],
        ['quickplay', { mode: 5 }, 'BAD_REQUEST'],
        ['quickplay', { mode: 'x'.repeat(500) }, 'BAD_REQUEST'],
        ['quickplay', { mode: 'battle-royale' }, 'UNKNOWN_MODE'],
        ['create_private', { maxPlayers: 'four' }, 'BAD_REQUEST'],
        ['create_private', { maxPlayers: 1000 }, 'BAD_REQUEST'],
        ['create_private', { maxPlayers: 2.5 }, 'BAD_REQUEST'],
        ['create_private', { options: { killTarget: -1 } }, 'BAD_REQUEST'],
        ['create_private', { options: { speed: 3 } }, 'BAD_REQUEST'],
        ['create_private', { options: [1] }, 'BAD_REQUEST'],
        ['create_private', { options: { killTarget: 0, timeLimitS: 0 } }, 'BAD_REQUEST'],
        ['create_private', { options: { damage: -1 } }, 'BAD_REQUEST'],
        ['create_private', { options: { damage: 101 } }, 'BAD_REQUEST'],
        ['create_private', { mode: 'nope' }, 'UNKNOWN_MODE'],
        ['join_code', { code: 5 }, 'BAD_REQUEST'],
        ['join_code', {}, 'BAD_REQUEST'],
        ['join_match', { matchId: {} }, 'BAD_REQUEST'],
        ['join_match', { matchId: 'no-such-match' }, 'MATCH_NOT_FOUND'],
        ['list_subscribe', 'all', 'BAD_REQUEST'],
        ['chat', { text: 42 }, 'BAD_REQUEST'],
        ['chat', 'hello', 'BAD_REQUEST'],
      ];
      for (const [event, payload, code] of cases) {
        expect(await ask(p.lobby.socket, event, payload), `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, code });
      }
      // No acknowledgement to answer: told off on protocol_error instead.
      raw(p.lobby.socket).emit('quickplay', { mode: 'ffa' });
      await waitFor(() => p.lobbyErrors.some((e) => e.code === 'BAD_REQUEST'), 'missing ack error');

      const view = p.openMatch();
      expect(await ask(view.conn.socket, 'join', { matchId: 5 })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(await ask(view.conn.socket, 'join', 'lobby')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(await view.conn.join('no-such-match')).toMatchObject({ ok: false, code: 'MATCH_NOT_FOUND' });
      expect(await view.conn.join()).toMatchObject({ ok: false, code: 'NO_SEAT' });
      expect(await ask(view.conn.socket, 'spectate', {})).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(await view.conn.start()).toMatchObject({ ok: false, code: 'NOT_IN_MATCH' });
      expect(p.lobby.socket.connected && view.conn.socket.connected).toBe(true);
      // Nothing of the above left it queued or seated.
      expect(await p.lobby.cancelQueue()).toEqual({ ok: true, cancelled: false });
      expect(await seatOf(url, p.session)).toBe(null);
    });

    it("refuses joining another player's match and two matches at once", async () => {
      const [x, y, greedy, intruder] = await Promise.all(['ownerX', 'ownerY', 'greedy', 'intruder'].map((n) => player(n)));
      const mx = await x!.lobby.createPrivate({ maxPlayers: 4 });
      const my = await y!.lobby.createPrivate({ maxPlayers: 4 });
      if (!mx.ok || !my.ok) throw new Error('create failed');
      // Two connections of one player click two codes at the same instant: one wins.
      const twin = await playerWithSession(url, greedy!.session);
      players.push(twin);
      const both = await Promise.all([greedy!.lobby.joinByCode(mx.code!), twin.lobby.joinByCode(my.code!)]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(both.filter((r) => !r.ok && r.code === 'ALREADY_IN_MATCH')).toHaveLength(1);
      const won = both.find((r) => r.ok)!;
      const lost = won === both[0] ? my : mx;
      // Naming a match id without holding a seat in it gets nowhere.
      const iv = intruder!.openMatch();
      expect(await iv.conn.join(lost.matchId)).toMatchObject({ ok: false, code: 'NO_SEAT' });
      const gv = greedy!.openMatch();
      expect(await gv.conn.join(lost.matchId)).toMatchObject({ ok: false, code: 'NO_SEAT' });
      const inWon = await gv.conn.join();
      const wonId = won.ok ? won.matchId : '';
      expect(inWon).toMatchObject({ ok: true, matchId: wonId });
      // Its own seat again, by id or not: answered as a rejoin. Another match: refused.
      const slot = inWon.ok ? inWon.slot : -1;
      expect(await gv.conn.join()).toMatchObject({ ok: true, matchId: wonId, slot });
      expect(await gv.conn.join(wonId)).toMatchObject({ ok: true, matchId: wonId, slot });
      expect(await gv.conn.join(lost.matchId)).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });
      expect(await gv.conn.spectate(lost.matchId)).toMatchObject({ ok: false, code: 'ALREADY_IN_MATCH' });
      expect(await seatOf(url, greedy!.session)).toBe(won.ok ? won.matchId : null);
    });

    it('survives rapid queue / cancel and join / leave loops with a consistent end state', async () => {
      const [looper, host] = await Promise.all(['looper', 'loophost'].map((n) => player(n)));
      const queueLoop = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? looper!.lobby.quickPlay('duel') : looper!.lobby.cancelQueue())));
      for (const [i, r] of queueLoop.entries()) expect(r.ok, `queue loop step ${i}`).toBe(true);
      expect(await looper!.lobby.cancelQueue()).toEqual({ ok: true, cancelled: false });

      const created = await host!.lobby.createPrivate({ maxPlayers: 2 });
      if (!created.ok) throw new Error(created.code);
      const hv = host!.openMatch();
      await hv.conn.join(created.matchId);
      const joinLoop = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? looper!.lobby.joinByCode(created.code!) : looper!.lobby.leaveMatch())),
      );
      for (const r of joinLoop) expect(r.ok).toBe(true);
      expect(await seatOf(url, looper!.session)).toBe(null);
      // The seat is free again: the match has room for exactly one more.
      expect(await looper!.lobby.joinByCode(created.code!)).toMatchObject({ ok: true });
      const extra = await player('extra');
      expect(await extra.lobby.joinByCode(created.code!)).toMatchObject({ ok: false, code: 'MATCH_FULL' });
      await waitFor(() => hv.conn.info !== null, 'host joined');
      // A flood of requests without waiting: past the in-flight limit they are refused, none is lost.
      const flood = await Promise.all(Array.from({ length: 40 }, () => looper!.lobby.cancelQueue()));
      expect(flood.every((r) => r.ok || r.code === 'RATE_LIMITED')).toBe(true);
      expect(flood.filter((r) => r.ok).length).toBeGreaterThanOrEqual(16);
    });
  });

  it('lets a queued player who joins a private match leave the queue (never placed twice)', async () => {
    const [queued, host] = await Promise.all(['queued', 'qhost'].map((n) => player(n)));
    expect(await queued!.lobby.quickPlay('duel')).toMatchObject({ ok: true });
    const created = await host!.lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(created.code);
    expect(await queued!.lobby.joinByCode(created.code!)).toMatchObject({ ok: true });
    expect(await queued!.lobby.cancelQueue()).toEqual({ ok: true, cancelled: false });
    // A duel partner arrives: nobody is left to pair with.
    const partner = await player('partner');
    expect(await partner.lobby.quickPlay('duel')).toMatchObject({ ok: true, waiting: 1 });
    await sleep(200);
    expect(queued!.matched).toEqual([]);
    expect(await partner.lobby.cancelQueue()).toEqual({ ok: true, cancelled: true });
  });

  it('disposes a match whose players all left and tells the list', async () => {
    const [a, b] = await Promise.all(['leaver1', 'leaver2'].map((n) => player(n)));
    await Promise.all([a!.lobby.quickPlay('duel'), b!.lobby.quickPlay('duel')]);
    const seat = await a!.lobby.waitForMatch(10_000);
    if (!seat.ok) throw new Error(seat.code);
    const av = a!.openMatch();
    expect((await av.conn.join(seat.matchId)).ok).toBe(true);
    expect(await b!.lobby.leaveMatch()).toEqual({ ok: true, left: true });
    await waitFor(() => av.presence.some((p) => p.status === 'left'), 'told b left');
    expect(await av.conn.leave()).toEqual({ ok: true });
    await eventually(async () => !(await publicMatches(url)).some((m) => m.matchId === seat.matchId), 'match gone');
  });
});
