/**
 * Parties across two game nodes sharing one lobby in Redis (a redis-server, and a 3-shard Redis
 * Cluster): the party lives in Redis, its news reaches members on either node through the
 * adapter, every race is settled by one Lua script, and the leader's Quick play puts members of
 * both nodes in one match, rated on the node that ran it and told to the player on the other.
 *
 * Counterfactuals: with a read-then-write join, the six parallel joins from two nodes overfill
 * the party (each node reads three members, each adds); with party news sent only to local
 * sockets, the member on the other node never hears of the join, the lead or the chat.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { ChatMessage, PartyInfo, RatingChange } from '../../shared/protocol/lobby-events.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { connectPlayer, type TestPlayer } from '../support/lobby.ts';
import { REDIS_BACKENDS, type RedisBackend } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

interface Member extends TestPlayer {
  parties: (PartyInfo | null)[];
  partyChat: ChatMessage[];
  ratings: RatingChange[];
}

const ok = <T extends object>(res: AckResult<T>): T & { ok: true } => {
  if (!res.ok) throw new Error(`${res.code}: ${res.message}`);
  return res;
};

describe.each(REDIS_BACKENDS)('parties across two nodes on %s', (_name, startBackend) => {
  let backend: RedisBackend;
  let cluster: TestCluster;
  const players: Member[] = [];
  const player = async (node: 0 | 1, nickname: string): Promise<Member> => {
    const p = (await connectPlayer(cluster.nodes[node]!.url, nickname)) as Member;
    Object.assign(p, { parties: [], partyChat: [], ratings: [] });
    // As the SDK keeps it (LobbyClient.party): the newest version, whatever order news arrived in.
    p.lobby.socket.on('party', () => p.parties.push(p.lobby.party));
    p.lobby.socket.on('party_chat', (m) => p.partyChat.push(m));
    p.lobby.socket.on('rating', (r) => p.ratings.push(r));
    players.push(p);
    return p;
  };

  beforeAll(async () => {
    backend = await startBackend();
    cluster = await startCluster(backend.env, 2, { QUEUE_MAX_PLAYERS: '2', QUEUE_MIN_PLAYERS: '2', QUEUE_WAIT_MS: '60000', BOT_FILL: 'off', COUNTDOWN_MS: '100', ENDED_LINGER_MS: '300' });
  });
  afterEach(() => {
    for (const p of players.splice(0)) p.close();
  });
  afterAll(async () => {
    await cluster?.stop();
    await backend?.stop();
  });

  it('joins, chats and hands the lead over across nodes; the leader’s Quick play seats both in one match, rated for both', async () => {
    const ada = await player(0, 'Ada');
    const bob = await player(1, 'Bob');
    const party = ok(await ada.lobby.createParty());
    ok(await bob.lobby.joinParty(party.code));
    await waitFor(() => ada.parties.at(-1)?.members.length === 2, 'node1 hears node2’s member join');
    ok(await bob.lobby.partyChat('from node2'));
    await waitFor(() => ada.partyChat.some((m) => m.text === 'from node2'), 'party chat across nodes');

    ok(await ada.lobby.quickPlay('duel'));
    await waitFor(() => ada.matched.length === 1 && bob.matched.length === 1, 'both placed');
    expect(bob.matched[0]!.matchId).toBe(ada.matched[0]!.matchId);
    const views = [ada.openMatch(), bob.openMatch()];
    for (const v of views) ok(await v.conn.join(ada.matched[0]!.matchId));
    await waitFor(() => views.every((v) => v.phases.some((p) => p.state === 'playing')), 'playing');
    ok(await ada.lobby.leaveMatch());
    ok(await bob.lobby.leaveMatch());
    await waitFor(() => ada.ratings.length === 1 && bob.ratings.length === 1, 'both rated, whichever node ran the match');
    expect(ada.ratings[0]!.delta).toBeLessThan(0);
    expect(bob.ratings[0]!.delta).toBeGreaterThan(0);

    // Back in the lobby, still a party; the leader leaves and the member on the other node leads.
    ok(await ada.lobby.leaveParty());
    await waitFor(() => bob.parties.at(-1)?.members.length === 1, 'node2 hears the leader go');
    expect(bob.parties.at(-1)!.members[0]).toMatchObject({ nickname: 'Bob', leader: true });
  });

  it('gives the last three places to exactly three of six parallel joins from both nodes, and one party to a player joining two', async () => {
    const leader = await player(0, 'Lead');
    const party = ok(await leader.lobby.createParty());
    const joiners = await Promise.all(Array.from({ length: 6 }, (_, i) => player((i % 2) as 0 | 1, `J${i}`)));
    const results = await Promise.all(joiners.map((j) => j.lobby.joinParty(party.code)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(['PARTY_FULL', 'PARTY_FULL', 'PARTY_FULL']);
    await waitFor(() => leader.parties.at(-1)?.members.length === 4, 'the leader sees four');

    const [p1, p2] = await Promise.all([player(0, 'Other1'), player(1, 'Other2')]);
    const [c1, c2] = [ok(await p1.lobby.createParty()), ok(await p2.lobby.createParty())];
    const both = await Promise.all([player(0, 'Both').then((x) => Promise.all([x.lobby.joinParty(c1.code), x.lobby.joinParty(c2.code)]))]);
    const answers = both[0];
    expect(answers.filter((r) => r.ok)).toHaveLength(1);
    expect(answers.find((r) => !r.ok)).toMatchObject({ code: 'ALREADY_IN_PARTY' });
  });
});
