/**
 * Knows within a few hundred milliseconds that a node crashed, by asking Redis who is connected.
 *
 * Every node opens its Redis connections under its node id (CLIENT SETNAME, ioredis'
 * `connectionName`). When a node's process dies (kill -9, OOM, a crash), its kernel closes those
 * sockets and Redis drops them at once; a lease, by contrast, tells only when it runs out
 * (2.5 s). So each node asks `CLIENT LIST` every `pollMs` and declares dead a node that
 *   - was seen connected before (a node of an older version, or one not yet connected, whose
 *     connections carry no name, is never declared dead here: leases still cover it), and
 *   - still holds a registry entry (a node that left cleanly removed its own), and
 *   - has had no connection for at least `confirmMs`, over at least two polls: ioredis
 *     reconnects a dropped connection in 50–100 ms, so a blip is not a death.
 * A node cut off from Redis without its sockets closing (a network partition, a host that
 * vanished) keeps its connections on Redis' side until TCP gives up: that case is still the
 * leases'.
 *
 * Declaring a node dead is safe for the same reason adoption after a lapsed lease is: the
 * adopter takes each match's lease with a larger fencing token, so a node wrongly declared dead
 * fails its next renewal and stops its copies (cluster-node.ts).
 *
 * Cost: one `CLIENT LIST TYPE normal` per poll per node (the command and publisher connections,
 * 3 per node: subscribers are left out), and a registry read only when a node is missing. Redis
 * walks every listed connection, so the cost grows with nodes × nodes; measured, and the way
 * past it for large clusters, in BENCHMARKS.md ("Crash failover under 1.5 s").
 *
 * Verbs: `anyMissing(connected)` says whether a poll needs the registry at all (the common case:
 * everybody connected, one command per poll); `observe(connected, registered, now)` takes one
 * poll's answer and returns the nodes to declare dead now (each once per absence).
 */
export class DeadNodeWatch {
  /** Node ids seen with a connection at least once. */
  private readonly seen = new Set<string>();
  /** Node id → the poll that first found it without a connection (and how many polls since). */
  private readonly missing = new Map<string, { since: number; polls: number }>();
  /** Declared dead and not seen since: not declared again. */
  private readonly declared = new Set<string>();

  constructor(
    private readonly self: string,
    private readonly confirmMs: number,
  ) {}

  /** False when every node seen before is connected: then the registry need not be read. */
  anyMissing(connected: ReadonlySet<string>): boolean {
    for (const id of this.seen) if (id !== this.self && !connected.has(id)) return true;
    for (const id of connected) if (!this.seen.has(id)) return true;
    return false;
  }

  observe(connected: ReadonlySet<string>, registered: readonly string[], now: number): string[] {
    for (const id of connected) {
      this.seen.add(id);
      this.missing.delete(id);
      this.declared.delete(id);
    }
    const dead: string[] = [];
    const inRegistry = new Set(registered);
    for (const id of this.missing.keys()) if (!inRegistry.has(id)) this.missing.delete(id);
    // Gone and out of the registry (left cleanly, or some other client): nothing to watch.
    for (const id of this.seen) if (!connected.has(id) && !inRegistry.has(id)) this.seen.delete(id);
    for (const id of registered) {
      if (id === this.self || connected.has(id) || !this.seen.has(id) || this.declared.has(id)) continue;
      const m = this.missing.get(id);
      if (!m) {
        this.missing.set(id, { since: now, polls: 1 });
        continue;
      }
      m.polls += 1;
      if (m.polls >= 2 && now - m.since >= this.confirmMs) {
        this.missing.delete(id);
        this.declared.add(id);
        dead.push(id);
      }
    }
    return dead;
  }
}

/** The connection names in a `CLIENT LIST` reply. */
export function connectionNames(clientList: string): Set<string> {
  const names = new Set<string>();
  for (const line of clientList.split('\n')) {
    const m = / name=(\S*)/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}
