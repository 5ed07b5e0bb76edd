/**
 * Nicknames in use in the lobby. A name is held for its player until the player's token expires;
 * a second player asking for a held name gets it with the first free numeric suffix ("Ada2").
 * Claiming is one atomic step (check-and-set over the suffixes: one Lua script in Redis).
 */
import { NICKNAME_MAX_LENGTH, nicknameKey, nicknameWithSuffix } from '../../../shared/protocol/lobby-rules.ts';

export interface NicknameRegistry {
  /**
   * Gives `guestId` the name `wanted`, or its first free suffixed variant, until `expiresAt`
   * (epoch ms). Null when every variant is taken.
   */
  claim(wanted: string, guestId: string, expiresAt: number, now: number): Promise<string | null>;
  release(name: string, guestId: string): Promise<void>;
}

/** Suffixes tried before giving up; 16 characters leave room for this many variants of any name. */
export const MAX_SUFFIX = 9999;
/** Expired holds are swept every this many claims, so memory follows live players. */
const SWEEP_EVERY = 1024;

export class MemoryNicknameRegistry implements NicknameRegistry {
  private readonly held = new Map<string, { guestId: string; expiresAt: number }>();
  private claims = 0;

  async claim(wanted: string, guestId: string, expiresAt: number, now: number): Promise<string | null> {
    if (++this.claims % SWEEP_EVERY === 0) this.sweep(now);
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const name = n === 1 ? wanted : nicknameWithSuffix(wanted, n);
      if ([...name].length > NICKNAME_MAX_LENGTH) continue;
      const key = nicknameKey(name);
      const holder = this.held.get(key);
      if (holder && holder.guestId !== guestId && holder.expiresAt > now) continue;
      this.held.set(key, { guestId, expiresAt });
      return name;
    }
    return null;
  }

  async release(name: string, guestId: string): Promise<void> {
    const key = nicknameKey(name);
    if (this.held.get(key)?.guestId === guestId) this.held.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, holder] of this.held) if (holder.expiresAt <= now) this.held.delete(key);
  }
}
