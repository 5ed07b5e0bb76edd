/**
 * Admin UI sessions: after a good password the UI gets a random session id and reloads of the
 * page come back with it instead of the password. In memory for one node; in Redis for many, so
 * an operator whose page reconnects through the load balancer to another node stays signed in.
 *
 * The shape (`doesSessionExist`, `saveSession`) is @socket.io/admin-ui's `Store`, so its own
 * middleware can check the ids too. Neither method ever rejects: the package awaits
 * `doesSessionExist` inside a middleware without a catch, and a rejection there would be an
 * unhandled rejection (a crash). A store that cannot answer says "no session": sign in again.
 */
import type { RedisClient } from '../cluster/redis-script.ts';

export interface AdminSessionStore {
  doesSessionExist(sessionId: string): Promise<boolean>;
  /** Resolves once a lookup of the id would find it (the gate waits for it before letting the UI in). */
  saveSession(sessionId: string): Promise<void> | void;
}

/** How long a session lasts: an operator's working day. */
export const ADMIN_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Session ids are 32 hex characters (crypto random): anything else is not looked up. */
const SESSION_ID = /^[0-9a-f]{32}$/;

export class MemoryAdminSessions implements AdminSessionStore {
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = ADMIN_SESSION_TTL_MS,
    /** Beyond this many, the oldest session goes: memory stays bounded whatever happens. */
    private readonly maxSessions = 1000,
  ) {}

  doesSessionExist(sessionId: string): Promise<boolean> {
    const expiresAt = SESSION_ID.test(sessionId) ? this.sessions.get(sessionId) : undefined;
    return Promise.resolve(expiresAt !== undefined && expiresAt > this.now());
  }

  saveSession(sessionId: string): void {
    const now = this.now();
    for (const [id, expiresAt] of this.sessions) if (expiresAt <= now) this.sessions.delete(id);
    // Map keeps insertion order: the first key is the oldest session.
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(sessionId, now + this.ttlMs);
  }
}

/**
 * One key per session, `admin-ui:session:<id>` with PX the lifetime: single-key commands only,
 * so no hash tag (sessions spread over a Redis Cluster's slots).
 */
export class RedisAdminSessions implements AdminSessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly onError: (error: unknown) => void,
    private readonly ttlMs = ADMIN_SESSION_TTL_MS,
  ) {}

  static key(sessionId: string): string {
    return `admin-ui:session:${sessionId}`;
  }

  async doesSessionExist(sessionId: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false;
    try {
      return (await this.redis.exists(RedisAdminSessions.key(sessionId))) === 1;
    } catch (error) {
      this.onError(error);
      return false;
    }
  }

  async saveSession(sessionId: string): Promise<void> {
    try {
      await this.redis.set(RedisAdminSessions.key(sessionId), '1', 'PX', this.ttlMs);
    } catch (error) {
      // The lookup that follows fails too: the operator is refused and signs in again later.
      this.onError(error);
    }
  }
}
