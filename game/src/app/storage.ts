/**
 * What the page remembers: the nickname across visits (localStorage), and this tab's guest token
 * (sessionStorage: per tab, so a reload takes the seat back while another tab is someone else).
 * Storage can be missing or full (private windows): everything here fails quietly.
 */
import type { GuestSession } from '../../../shared/client/auth.ts';

const NICKNAME = 'arena.nickname';
const GUEST = 'arena.guest';

export interface PageStorage {
  nickname(): string | null;
  setNickname(name: string): void;
  guest(): GuestSession | null;
  setGuest(guest: GuestSession | null): void;
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** How long after its expiry a stored token may still be renewed (the server's RENEW_GRACE_S, less an hour of margin). */
const RENEWABLE_FOR_MS = 23 * 3600_000;

export function browserStorage(now: () => number = Date.now): PageStorage {
  return {
    nickname: () => attempt(() => localStorage.getItem(NICKNAME), null),
    setNickname: (name) => attempt(() => localStorage.setItem(NICKNAME, name), undefined),
    guest() {
      const raw = attempt(() => sessionStorage.getItem(GUEST), null);
      if (!raw) return null;
      const g = attempt(() => JSON.parse(raw) as GuestSession, null);
      // A token expired for less than the server's renewal grace (24 h) is still worth presenting:
      // the SDK renews it for the same guest, who keeps its seat. Older ones: sign in afresh.
      if (!g || typeof g.token !== 'string' || typeof g.expiresAt !== 'number' || g.expiresAt < now() - RENEWABLE_FOR_MS) return null;
      return g;
    },
    setGuest: (guest) =>
      attempt(() => (guest ? sessionStorage.setItem(GUEST, JSON.stringify(guest)) : sessionStorage.removeItem(GUEST)), undefined),
  };
}

/** A name for someone who has not chosen one yet: they can change it before playing. */
export function guestName(random: () => number = Math.random): string {
  return `Guest${1000 + Math.floor(random() * 9000)}`;
}
