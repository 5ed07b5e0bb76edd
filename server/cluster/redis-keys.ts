/**
 * Every Redis key and channel the lobby uses, in one place, so the hash tags can be checked at a
 * glance. Redis Cluster hashes only the part inside the first `{…}`, so keys with the same tag
 * live in the same slot and one Lua script may touch all of them.
 *
 * One tag per store, not one for everything: a script only ever needs the keys of its own store
 * (a seat claim reads the player's seat and the match's seat set, never the queue), and separate
 * tags let the stores sit on different shards. Inside a store, everything shares the tag,
 * because the store's promises are global ("a player waits in at most one queue", "a player holds
 * at most one seat", "no two players hold one name") and must be checked in one script.
 *
 *   {p:queue}:seq              counter        arrival order of queue entries
 *   {p:queue}:mode             hash           guestId → mode it waits in
 *   {p:queue}:entry            hash           guestId → QueueEntry JSON
 *   {p:queue}:q:<mode>         sorted set     guestId scored by arrival
 *   {p:seat}:match             hash           guestId → matchId
 *   {p:seat}:m:<matchId>       set            guestIds seated in the match
 *   p:code:<CODE>              string         matchId (single-key operations only: no tag, codes spread over the cluster)
 *   {p:nick}:<nicknameKey>     string         "<expiresAt> <guestId>", PX a minute past expiresAt
 *   {p:dir}:entries            hash           matchId → DirectoryEntry JSON
 *   {p:dir}:version            counter        version of the last directory change
 *   {p:dir}:log                stream         the last changes, entry id "<version>-0"
 *   {p:dir}:changes            (channel)      each change as JSON, published by the script that made it
 *   p:profile:<guestId>        string         Profile JSON (single-key operations only: no tag, profiles spread)
 *   {p:board}:z:<mode>         sorted set     guestId scored by shown rating
 *   {p:board}:n:<mode>         hash           guestId → nickname shown on the board
 *   {p:party}:of               hash           guestId → party code
 *   {p:party}:p:<CODE>         string         Party JSON
 *   {p:node}:index             set            nodeIds that registered
 *   {p:node}:n:<nodeId>        string         NodeInfo JSON, PX the lease
 *
 * Where `p` is the prefix (default "lobby"). Names (modes, match ids, nicknames) come after the
 * closing brace, so whatever characters they hold cannot change a key's slot.
 */

export interface LobbyKeys {
  queue: { seq: string; mode: string; entry: string; queue(mode: string): string };
  seat: { match: string; members(matchId: string): string };
  code(code: string): string;
  nick(nicknameKey: string): string;
  dir: { entries: string; version: string; log: string; channel: string };
  node: { index: string; node(nodeId: string): string };
  profile(guestId: string): string;
  board: { scores(mode: string): string; names(mode: string): string };
  party: { of: string; party(code: string): string };
}

export function lobbyKeys(prefix = 'lobby'): LobbyKeys {
  if (prefix.length === 0 || /[{}]/.test(prefix)) {
    throw new Error(`redis key prefix must be non-empty and free of braces (it goes inside a hash tag), got ${JSON.stringify(prefix)}`);
  }
  const tag = (store: string) => `{${prefix}:${store}}`;
  const queue = tag('queue');
  const seat = tag('seat');
  const nick = tag('nick');
  const dir = tag('dir');
  const node = tag('node');
  const board = tag('board');
  const party = tag('party');
  return {
    queue: { seq: `${queue}:seq`, mode: `${queue}:mode`, entry: `${queue}:entry`, queue: (mode) => `${queue}:q:${mode}` },
    seat: { match: `${seat}:match`, members: (matchId) => `${seat}:m:${matchId}` },
    code: (code) => `${prefix}:code:${code}`,
    nick: (nicknameKey) => `${nick}:${nicknameKey}`,
    dir: { entries: `${dir}:entries`, version: `${dir}:version`, log: `${dir}:log`, channel: `${dir}:changes` },
    node: { index: `${node}:index`, node: (nodeId) => `${node}:n:${nodeId}` },
    profile: (guestId) => `${prefix}:profile:${guestId}`,
    board: { scores: (mode) => `${board}:z:${mode}`, names: (mode) => `${board}:n:${mode}` },
    party: { of: `${party}:of`, party: (code) => `${party}:p:${code}` },
  };
}
