/**
 * Parties, independent of sockets: create, join, leave, presence, and quick play for the whole
 * party. The party store's atomic verbs are the arbiters of every race (last place, two parties,
 * leader hand-over); this service orders the cross-store steps so that each refusal leaves the
 * party, the queue and the seats as they were. Members hear every change through the port.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import { PARTY_MAX_SIZE, type PartyInfo } from '../../shared/protocol/lobby-events.ts';
import { normalizeCode } from '../../shared/protocol/lobby-rules.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import { drawCode } from './private-codes.ts';
import { initialSkill, matchmakingRating } from './rating.ts';
import type { LobbyStores, Party, QueueEntry } from './stores/index.ts';

/** Where party news goes: the members' lobby connections, on whichever node they are. */
export interface PartyPort {
  /** Every member's connections get the party as it is now. */
  broadcast(party: Party): void;
  /** The player's connections get its party (on entering), or null (on leaving). */
  enter(guestId: string, party: Party): Promise<void>;
  exit(guestId: string, code: string): Promise<void>;
}

export interface PartyServiceDeps {
  stores: LobbyStores;
  port: PartyPort;
  /** How long a member whose connection went keeps its place. */
  graceMs: number;
  now: () => number;
  log: Logger;
}

/** Codes drawn before giving up (see private-codes.ts: one nearly always succeeds). */
const CODE_ATTEMPTS = 8;

export function partyInfo(party: Party): PartyInfo {
  return {
    code: party.code,
    members: party.members.map((m, i) => ({ guestId: m.guestId, nickname: m.nickname, leader: i === 0, online: m.awaySince === 0 })),
    maxSize: party.maxSize,
    queued: party.queued === '' ? null : party.queued,
    version: party.version,
  };
}

export class PartyService {
  private readonly dropTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: PartyServiceDeps) {}

  async create(guest: GuestIdentity): Promise<AckResult<PartyInfo>> {
    const busy = await this.busy(guest.guestId);
    if (busy) return busy;
    for (let i = 0; i < CODE_ATTEMPTS; i++) {
      const res = await this.deps.stores.parties.create(drawCode(), guest, PARTY_MAX_SIZE, Date.now());
      if (res.ok) {
        await this.deps.port.enter(guest.guestId, res.party);
        this.deps.log.info({ guestId: guest.guestId, party: res.party.code }, 'party created');
        return { ok: true, ...partyInfo(res.party) };
      }
      if (res.reason === 'in_party') return inParty(res.code);
    }
    return { ok: false, code: ErrorCode.Internal, message: 'could not allocate a party code, try again' };
  }

  async join(guest: GuestIdentity, rawCode: string): Promise<AckResult<PartyInfo>> {
    const code = normalizeCode(rawCode);
    if (code === null) return notFound;
    const busy = await this.busy(guest.guestId);
    if (busy) return busy;
    await this.sweep(code);
    const res = await this.deps.stores.parties.join(code, guest);
    if (!res.ok) {
      if (res.reason === 'in_party') return inParty(res.code);
      if (res.reason === 'full') return { ok: false, code: ErrorCode.PartyFull, message: 'this party is full' };
      if (res.reason === 'queued') return { ok: false, code: ErrorCode.AlreadyQueued, message: 'this party is waiting in a queue: join when it is back in the lobby' };
      return notFound;
    }
    await this.deps.port.enter(guest.guestId, res.party);
    this.deps.port.broadcast(res.party);
    this.deps.log.info({ guestId: guest.guestId, party: code }, 'joined a party');
    return { ok: true, ...partyInfo(res.party) };
  }

  async leave(guest: GuestIdentity): Promise<AckResult<{ left: boolean }>> {
    const left = await this.deps.stores.parties.leave(guest.guestId);
    if (!left) return { ok: true, left: false };
    await this.afterLeave(guest.guestId, left.code, left.party);
    return { ok: true, left: true };
  }

  /**
   * Quick play from a party member: only the leader queues, and then every member as one ticket
   * (all or none), rated as the members' mean. Null when the player is in no party (queue alone).
   */
  async quickPlay(guest: GuestIdentity, mode: string, maxPlayers: number, nodeId: string): Promise<AckResult<{ mode: string; waiting: number }> | null> {
    const { parties, queue, seats, profiles } = this.deps.stores;
    const code = await parties.partyOf(guest.guestId);
    if (code === null) return null;
    await this.sweep(code);
    const party = await parties.get(code);
    if (!party) return null;
    if (party.members[0]!.guestId !== guest.guestId) {
      return { ok: false, code: ErrorCode.NotPartyLeader, message: 'only the party leader starts quick play for the party' };
    }
    if (party.queued !== '') return { ok: false, code: ErrorCode.AlreadyQueued, message: `your party already waits for ${party.queued}` };
    if (party.members.length > maxPlayers) {
      return { ok: false, code: ErrorCode.PartyFull, message: `this mode's matches take ${maxPlayers} players: the party has ${party.members.length}` };
    }
    // Marked queued first: from here nobody joins, so the members read next are the ones queued.
    await parties.setQueued(code, mode);
    const members = (await parties.get(code))?.members ?? [];
    const undo = async () => {
      await parties.setQueued(code, '');
    };
    for (const m of members) {
      if ((await seats.seatOf(m.guestId)) !== null) {
        await undo();
        return { ok: false, code: ErrorCode.AlreadyInMatch, message: `${m.nickname} still holds a seat in a match` };
      }
    }
    const profilesOf = await profiles.getMany(members.map((m) => m.guestId));
    const ratings = profilesOf.map((p) => {
      const m = p?.modes[mode];
      return matchmakingRating(m ? { mu: m.mu, sigma: m.sigma } : initialSkill());
    });
    const rating = Math.round(ratings.reduce((a, b) => a + b, 0) / Math.max(1, ratings.length));
    const ids = members.map((m) => m.guestId);
    const now = this.deps.now();
    const entries: QueueEntry[] = members.map((m) => ({ guestId: m.guestId, nickname: m.nickname, enqueuedAt: now, nodeId, rating, party: code, with: ids }));
    const res = await queue.enqueueGroup(mode, entries);
    if (!res.added) {
      await undo();
      const who = members.find((m) => m.guestId === res.guestId)?.nickname ?? 'a member';
      return { ok: false, code: ErrorCode.AlreadyQueued, message: `${who} already waits for ${res.mode}` };
    }
    const now2 = await parties.get(code);
    if (now2) this.deps.port.broadcast(now2);
    this.deps.log.info({ party: code, mode, members: ids.length, rating }, 'party queued for quick play');
    return { ok: true, mode, waiting: res.waiting };
  }

  /** A member cancelled, or the party was placed: back in the lobby, open to joins again. */
  async unqueued(code: string): Promise<void> {
    const { parties } = this.deps.stores;
    if (!(await parties.setQueued(code, ''))) return;
    const party = await parties.get(code);
    if (party) this.deps.port.broadcast(party);
  }

  /** The player's first lobby connection on this node: back (if it was away) and in its room. */
  async connected(guestId: string): Promise<void> {
    this.cancelDrop(guestId);
    const party = await this.deps.stores.parties.presence(guestId, 0);
    if (!party) return;
    await this.deps.port.enter(guestId, party);
    this.deps.port.broadcast(party);
  }

  /** The player's last lobby connection went: away, and out after the grace unless it is back. */
  async disconnected(guestId: string): Promise<void> {
    const since = Date.now();
    const party = await this.deps.stores.parties.presence(guestId, since);
    if (!party) return;
    this.deps.port.broadcast(party);
    this.cancelDrop(guestId);
    const timer = setTimeout(() => {
      this.dropTimers.delete(guestId);
      void this.dropIfAway(guestId, since);
    }, this.deps.graceMs);
    timer.unref?.();
    this.dropTimers.set(guestId, timer);
  }

  close(): void {
    for (const timer of this.dropTimers.values()) clearTimeout(timer);
    this.dropTimers.clear();
  }

  private async dropIfAway(guestId: string, since: number): Promise<void> {
    try {
      const left = await this.deps.stores.parties.dropAway(guestId, since);
      if (left) {
        this.deps.log.info({ guestId, party: left.code }, 'party member not back within the grace: out of the party');
        await this.afterLeave(guestId, left.code, left.party);
      }
    } catch (error) {
      this.deps.log.error({ guestId, err: error }, 'dropping an away party member failed');
    }
  }

  /**
   * Members away for longer than the grace whose drop never ran (the node that would have run it
   * died or restarted: its timers went with it) go now, before anyone counts the party.
   */
  private async sweep(code: string): Promise<void> {
    const party = await this.deps.stores.parties.get(code);
    const now = Date.now();
    for (const m of party?.members ?? []) {
      if (m.awaySince !== 0 && now - m.awaySince > this.deps.graceMs) await this.dropIfAway(m.guestId, m.awaySince);
    }
  }

  private cancelDrop(guestId: string): void {
    const timer = this.dropTimers.get(guestId);
    if (timer) clearTimeout(timer);
    this.dropTimers.delete(guestId);
  }

  /** A member is out: a waiting party leaves the queue (it changed), the rest hear of it. */
  private async afterLeave(guestId: string, code: string, party: Party | null): Promise<void> {
    const { queue, parties } = this.deps.stores;
    const mode = await queue.remove(guestId);
    if (party && (mode !== null || party.queued !== '')) {
      // The ticket held the old members: the rest of the party waits in no queue now.
      for (const m of party.members) await queue.remove(m.guestId);
      await parties.setQueued(code, '');
    }
    await this.deps.port.exit(guestId, code);
    const now = party ? await parties.get(code) : null;
    if (now) this.deps.port.broadcast(now);
    this.deps.log.info({ guestId, party: code, ended: party === null }, 'left the party');
  }

  /** In a queue or a match: not the time to form or join a party. */
  private async busy(guestId: string): Promise<AckResult<never> | null> {
    const { queue, seats } = this.deps.stores;
    if ((await seats.seatOf(guestId)) !== null) return { ok: false, code: ErrorCode.AlreadyInMatch, message: 'you hold a seat in a match: leave it first' };
    if ((await queue.modeOf(guestId)) !== null) return { ok: false, code: ErrorCode.AlreadyQueued, message: 'you wait in a quick-play queue: cancel it first' };
    return null;
  }
}

const notFound = { ok: false, code: ErrorCode.PartyNotFound, message: 'no party has this code' } as const;

function inParty(code: string): AckResult<never> {
  return { ok: false, code: ErrorCode.AlreadyInParty, message: `you are in party ${code} already: leave it first` };
}
