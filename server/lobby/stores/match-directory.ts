/**
 * The directory of live matches, public and private, with the node that runs each. Every change
 * bumps one version counter and is announced to subscribers in version order (Redis: INCR plus
 * PUBLISH), which is what lets the lobby keep every client's list in sync without polling.
 */
import type { MatchListing, Visibility } from '../../../shared/protocol/lobby-events.ts';

export interface DirectoryEntry {
  listing: MatchListing;
  visibility: Visibility;
  nodeId: string;
}

export type DirectoryChange =
  | { type: 'created' | 'updated'; version: number; entry: DirectoryEntry }
  | { type: 'removed'; version: number; matchId: string; visibility: Visibility };

export interface MatchDirectory {
  /** Creates or replaces the entry; returns the change's version. */
  put(entry: DirectoryEntry): Promise<number>;
  /** Removes the entry if present; returns the change's version, or null when absent. */
  remove(matchId: string): Promise<number | null>;
  get(matchId: string): Promise<DirectoryEntry | null>;
  /** Every entry, with the version they are current at. */
  list(): Promise<{ version: number; entries: DirectoryEntry[] }>;
  /**
   * Calls `listener` for every change from now on, once each, in version order without gaps;
   * returns the unsubscribe function. Delivery may be asynchronous (Redis: pub/sub on another
   * connection), so a change can reach the listener after the put that made it has resolved.
   */
  subscribe(listener: (change: DirectoryChange) => void): () => void;
}

export class MemoryMatchDirectory implements MatchDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();
  private readonly listeners = new Set<(change: DirectoryChange) => void>();
  private version = 0;

  async put(entry: DirectoryEntry): Promise<number> {
    const type = this.entries.has(entry.listing.matchId) ? 'updated' : 'created';
    const copy = structuredClone(entry);
    this.entries.set(entry.listing.matchId, copy);
    this.version += 1;
    this.announce({ type, version: this.version, entry: copy });
    return this.version;
  }

  async remove(matchId: string): Promise<number | null> {
    const entry = this.entries.get(matchId);
    if (!entry) return null;
    this.entries.delete(matchId);
    this.version += 1;
    this.announce({ type: 'removed', version: this.version, matchId, visibility: entry.visibility });
    return this.version;
  }

  async get(matchId: string): Promise<DirectoryEntry | null> {
    const entry = this.entries.get(matchId);
    return entry ? structuredClone(entry) : null;
  }

  async list(): Promise<{ version: number; entries: DirectoryEntry[] }> {
    return { version: this.version, entries: [...this.entries.values()].map((e) => structuredClone(e)) };
  }

  subscribe(listener: (change: DirectoryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(change: DirectoryChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
