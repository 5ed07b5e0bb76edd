/**
 * Store writes that must land even when the store is away at the time: tried at once, then again
 * with a growing delay until one try resolves. Placement needs this to stay all-or-nothing: a
 * seat claim that failed on the way back (Redis went down after running the script, before its
 * answer arrived) may have been written, and a player whose claim the store kept but the match
 * never took is refused everywhere (ALREADY_IN_MATCH when queueing, NO_SEAT when joining) until
 * the claim is undone, which can only happen once the store answers again.
 *
 * Verbs: `run` a write under a key (replacing any pending one of that key), `cancel` a key's
 * pending write (waiting out a try already on its way, so whatever the caller writes next lands
 * after it), `close` (pending writes are given up: the process is ending).
 */
import type { Logger } from '../log.ts';

export interface StoreRetryOptions {
  log: Logger;
  /** Delay before the second try; doubled after each failed try up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

interface Pending {
  /** The try on its way, if one is. */
  attempt: Promise<void> | null;
  timer: NodeJS.Timeout | null;
}

export class StoreRetry {
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(private readonly opts: StoreRetryOptions) {}

  /** Writes waiting for a try (for tests and the log). */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Runs `write` until it resolves. Before each try `wanted()` is asked: false drops the write (the
   * state it would mend was mended another way). A pending write of the same key is replaced.
   */
  run(key: string, what: string, write: () => Promise<unknown>, wanted: () => boolean = () => true): void {
    if (this.closed) return;
    this.drop(key);
    const entry: Pending = { attempt: null, timer: null };
    this.pending.set(key, entry);
    let delay = this.opts.firstDelayMs ?? 100;
    let failures = 0;
    const attempt = async (): Promise<void> => {
      entry.timer = null;
      if (this.pending.get(key) !== entry) return;
      if (!wanted()) {
        this.pending.delete(key);
        return;
      }
      try {
        await write();
        if (this.pending.get(key) === entry) this.pending.delete(key);
        if (failures > 0) this.opts.log.info({ key, tries: failures + 1 }, `${what}: done once the store answered`);
      } catch (error) {
        failures++;
        // One line when the store first fails; the outcome is logged once it answers.
        if (failures === 1) this.opts.log.warn({ key, err: error }, `${what}: the store did not answer, trying again until it does`);
        if (this.pending.get(key) !== entry || this.closed) return;
        entry.timer = setTimeout(() => (entry.attempt = attempt()), delay);
        entry.timer.unref();
        delay = Math.min(delay * 2, this.opts.maxDelayMs ?? 2_000);
      }
    };
    entry.attempt = attempt();
  }

  /** Drops the key's pending write; resolves once a try already on its way has ended. */
  async cancel(key: string): Promise<void> {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.drop(key);
    await entry.attempt;
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.pending.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.pending.delete(key);
  }
}
