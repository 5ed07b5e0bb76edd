/**
 * The lobby's shared state behind one interface per store. Without REDIS_URL every store lives
 * in this process; the Redis implementations (server/cluster/redis-stores.ts) implement the same
 * interfaces, pass the same contract (store-contract.ts), and nothing else in the lobby changes.
 */
import { MemoryCodeStore, type CodeStore } from './code-store.ts';
import { MemoryLeaderboardStore, type LeaderboardStore } from './leaderboard-store.ts';
import { MemoryPartyStore, type PartyStore } from './party-store.ts';
import { MemoryProfileStore, type ProfileStore } from './profile-store.ts';
import { MemoryMatchDirectory, type MatchDirectory } from './match-directory.ts';
import { MemoryNicknameRegistry, type NicknameRegistry } from './nickname-registry.ts';
import { MemoryQueueStore, type QueueStore } from './queue-store.ts';
import { MemorySeatStore, type SeatStore } from './seat-store.ts';

export interface LobbyStores {
  queue: QueueStore;
  seats: SeatStore;
  codes: CodeStore;
  directory: MatchDirectory;
  nicknames: NicknameRegistry;
  profiles: ProfileStore;
  boards: LeaderboardStore;
  parties: PartyStore;
}

export function createMemoryStores(): LobbyStores {
  return {
    queue: new MemoryQueueStore(),
    seats: new MemorySeatStore(),
    codes: new MemoryCodeStore(),
    directory: new MemoryMatchDirectory(),
    nicknames: new MemoryNicknameRegistry(),
    profiles: new MemoryProfileStore(),
    boards: new MemoryLeaderboardStore(),
    parties: new MemoryPartyStore(),
  };
}

export type { CodeStore, LeaderboardStore, MatchDirectory, NicknameRegistry, PartyStore, ProfileStore, QueueStore, SeatStore };
export type { BoardEntry } from './leaderboard-store.ts';
export type { Party, PartyMember } from './party-store.ts';
export type { MatchRecord, ModeRecord, Profile } from './profile-store.ts';
export type { DirectoryChange, DirectoryEntry } from './match-directory.ts';
export type { ClaimResult } from './seat-store.ts';
export type { EnqueueResult, GroupRule, QueueEntry } from './queue-store.ts';
