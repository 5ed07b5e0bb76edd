/**
 * Parties: a few players who queue together. A party is known by its code (the invite), has
 * members in the order they joined, and the first of them leads: when the leader goes, the next
 * member leads without anybody choosing. A player is in at most one party.
 *
 * Verbs, each one atomic step (one Lua script in Redis, so two nodes joining the last place, or a
 * player joining two parties at once, are serialized inside Redis):
 *   create   a party with its creator as leader (refused if the creator is in a party, or the
 *            code is taken)
 *   join     a party by code (refused: no such party, full, already in another party, queued)
 *   leave    the player's party; the next member leads; the last one out ends the party
 *   presence a member's connection went away (with the time) or came back
 *   dropAway removes a member only if it is still away since that very time: the reconnect grace
 *            ran out, and a return on another node in between wins
 *   queued   marks the party as waiting in a mode's queue (or not): nobody joins a queued party
 */

export interface PartyMember {
  guestId: string;
  nickname: string;
  /** 0 while connected; otherwise when its last lobby connection went (epoch ms). */
  awaySince: number;
}

export interface Party {
  code: string;
  /** Members in join order; the first leads. Never empty. */
  members: PartyMember[];
  maxSize: number;
  /** The mode the party waits in, or '' when it is not queued. */
  queued: string;
  createdAt: number;
  /** Grows with every change: news of one party from two nodes may arrive out of order. */
  version: number;
}

export type PartyCreateResult = { ok: true; party: Party } | { ok: false; reason: 'in_party'; code: string } | { ok: false; reason: 'taken' };
export type PartyJoinResult =
  | { ok: true; party: Party; already: boolean }
  | { ok: false; reason: 'not_found' | 'full' | 'queued' }
  | { ok: false; reason: 'in_party'; code: string };
/** The party after a member went; `party` null when it ended with it. */
export interface PartyLeft {
  code: string;
  party: Party | null;
}

export interface PartyStore {
  create(code: string, member: { guestId: string; nickname: string }, maxSize: number, now: number): Promise<PartyCreateResult>;
  join(code: string, member: { guestId: string; nickname: string }): Promise<PartyJoinResult>;
  leave(guestId: string): Promise<PartyLeft | null>;
  get(code: string): Promise<Party | null>;
  partyOf(guestId: string): Promise<string | null>;
  /** `awaySince` 0: back; otherwise away since then. Null when the player is in no party. */
  presence(guestId: string, awaySince: number): Promise<Party | null>;
  dropAway(guestId: string, awaySince: number): Promise<PartyLeft | null>;
  /** Sets (or clears, with '') the mode the party waits in; false when there is no such party. */
  setQueued(code: string, mode: string): Promise<boolean>;
}

export const leaderOf = (party: Party): string => party.members[0]!.guestId;

export class MemoryPartyStore implements PartyStore {
  private readonly parties = new Map<string, Party>();
  private readonly codeOf = new Map<string, string>();

  async create(code: string, member: { guestId: string; nickname: string }, maxSize: number, now: number): Promise<PartyCreateResult> {
    const current = this.codeOf.get(member.guestId);
    if (current !== undefined) return { ok: false, reason: 'in_party', code: current };
    if (this.parties.has(code)) return { ok: false, reason: 'taken' };
    const party: Party = { code, members: [{ ...member, awaySince: 0 }], maxSize, queued: '', createdAt: now, version: 1 };
    this.parties.set(code, party);
    this.codeOf.set(member.guestId, code);
    return { ok: true, party: structuredClone(party) };
  }

  async join(code: string, member: { guestId: string; nickname: string }): Promise<PartyJoinResult> {
    const current = this.codeOf.get(member.guestId);
    const party = this.parties.get(code);
    if (current !== undefined && current === code && party) return { ok: true, party: structuredClone(party), already: true };
    if (current !== undefined) return { ok: false, reason: 'in_party', code: current };
    if (!party) return { ok: false, reason: 'not_found' };
    if (party.members.length >= party.maxSize) return { ok: false, reason: 'full' };
    if (party.queued !== '') return { ok: false, reason: 'queued' };
    party.members.push({ ...member, awaySince: 0 });
    party.version += 1;
    this.codeOf.set(member.guestId, code);
    return { ok: true, party: structuredClone(party), already: false };
  }

  async leave(guestId: string): Promise<PartyLeft | null> {
    const code = this.codeOf.get(guestId);
    if (code === undefined) return null;
    return this.remove(code, guestId);
  }

  async get(code: string): Promise<Party | null> {
    const party = this.parties.get(code);
    return party ? structuredClone(party) : null;
  }

  async partyOf(guestId: string): Promise<string | null> {
    return this.codeOf.get(guestId) ?? null;
  }

  async presence(guestId: string, awaySince: number): Promise<Party | null> {
    const code = this.codeOf.get(guestId);
    const party = code === undefined ? undefined : this.parties.get(code);
    if (!party) return null;
    const member = party.members.find((m) => m.guestId === guestId)!;
    member.awaySince = awaySince;
    party.version += 1;
    return structuredClone(party);
  }

  async dropAway(guestId: string, awaySince: number): Promise<PartyLeft | null> {
    const code = this.codeOf.get(guestId);
    const party = code === undefined ? undefined : this.parties.get(code);
    const member = party?.members.find((m) => m.guestId === guestId);
    if (!member || awaySince === 0 || member.awaySince !== awaySince) return null;
    return this.remove(code!, guestId);
  }

  async setQueued(code: string, mode: string): Promise<boolean> {
    const party = this.parties.get(code);
    if (!party) return false;
    party.queued = mode;
    party.version += 1;
    return true;
  }

  private remove(code: string, guestId: string): PartyLeft {
    const party = this.parties.get(code)!;
    party.members = party.members.filter((m) => m.guestId !== guestId);
    party.version += 1;
    this.codeOf.delete(guestId);
    if (party.members.length === 0) {
      this.parties.delete(code);
      return { code, party: null };
    }
    return { code, party: structuredClone(party) };
  }
}
