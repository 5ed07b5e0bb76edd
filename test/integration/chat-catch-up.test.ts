/**
 * Chat lines sent while a player's connection was down reach it once it is back, once each and
 * in order: in the lobby (when the connection returns) and in a match (when the seat is taken
 * back). Without the catch-up the dropped player would simply never see them: socket.io does
 * not buffer a room's broadcasts for a socket that is not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { ChatMessage } from '../../shared/protocol/lobby-events.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait.ts';

interface Chatter {
  client: PlayerClient;
  lobby: ChatMessage[];
  match: ChatMessage[];
}

async function chatter(url: string, nickname: string): Promise<Chatter> {
  const c: Omit<Chatter, 'client'> = { lobby: [], match: [] };
  const res = await PlayerClient.connect({
    url,
    nickname,
    games: GAMES,
    connection: { reconnection: false }, // the test says when the connection comes back
    lobby: { chat: (m) => c.lobby.push(m) },
    match: { chat: (m) => c.match.push(m) },
  });
  if (!res.ok) throw new Error(`${nickname}: ${res.code}`);
  return { ...c, client: res.value };
}

/** Cuts the connection as a network would (not a goodbye: the seat is kept). */
async function drop(c: Chatter): Promise<void> {
  c.client.manager.engine?.close();
  await waitFor(() => !c.client.lobby.socket.connected && !c.client.match.socket.connected, 'the drop');
}

const texts = (lines: ChatMessage[]) => lines.map((m) => m.text);

describe('chat lines missed during a drop', () => {
  let server: ServerProcess;
  const people: Chatter[] = [];
  beforeAll(async () => {
    server = await startServer({ CHAT_BURST: '20', COUNTDOWN_MS: '200', BOT_FILL: 'off' });
  });
  afterAll(async () => {
    for (const p of people) p.client.close();
    await server?.stop();
  });

  it('come back once and in order, in the lobby and in a match', async () => {
    const [ann, bob] = await Promise.all([chatter(server.url, 'ann'), chatter(server.url, 'bob')]);
    people.push(ann, bob);
    await bob.client.lobby.chat('before');
    await waitFor(() => ann.lobby.length === 1, 'ann hears "before"');

    await drop(ann);
    for (const text of ['one', 'two', 'three']) expect(await bob.client.lobby.chat(text)).toMatchObject({ ok: true });
    ann.client.reconnect();
    await waitFor(() => ann.lobby.length >= 4, 'ann catches up in the lobby');
    expect(await bob.client.lobby.chat('after')).toMatchObject({ ok: true });
    await waitFor(() => ann.lobby.length >= 5, 'ann hears "after"');
    expect(texts(ann.lobby)).toEqual(['before', 'one', 'two', 'three', 'after']);
    expect(new Set(ann.lobby.map((m) => m.id)).size).toBe(5);

    // A private match of two; Ann drops, Bob talks, Ann takes her seat back.
    const created = await ann.client.enter({ kind: 'create', options: { maxPlayers: 2 } });
    if (!created.ok) throw new Error(created.code);
    const joined = await bob.client.enter({ kind: 'code', code: ann.client.code! });
    expect(joined).toMatchObject({ ok: true, matchId: created.matchId });
    await bob.client.match.chat('hello ann');
    await waitFor(() => ann.match.length === 1, 'ann hears bob in the match');
    await drop(ann);
    for (const text of ['where', 'did', 'you', 'go']) expect(await bob.client.match.chat(text)).toMatchObject({ ok: true });
    ann.client.reconnect();
    await waitFor(() => ann.match.length >= 5, 'ann catches up in the match');
    await bob.client.match.chat('welcome back');
    await waitFor(() => ann.match.length >= 6, 'ann hears "welcome back"');
    expect(texts(ann.match)).toEqual(['hello ann', 'where', 'did', 'you', 'go', 'welcome back']);
    // The lobby's lines stayed the lobby's, each once.
    expect(texts(ann.lobby)).toEqual(['before', 'one', 'two', 'three', 'after']);
  });

  it('refuses a bad request with a clear code, and outside a match', async () => {
    const cyd = await chatter(server.url, 'cyd');
    people.push(cyd);
    const lobby = cyd.client.lobby.socket.timeout(3000);
    for (const bad of [{}, { after: -1 }, { after: 1.5 }, { after: '9' }, null, [1]]) {
      expect(await lobby.emitWithAck('chat_missed', bad as { after: number })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    }
    expect(await lobby.emitWithAck('chat_missed', { after: 0 })).toMatchObject({ ok: true });
    expect(await cyd.client.match.socket.timeout(3000).emitWithAck('chat_missed', { after: 0 })).toMatchObject({ ok: false, code: 'NOT_IN_MATCH' });
  });
});
