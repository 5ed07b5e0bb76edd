/** Counts of what a hostile run sent and what the server answered, printed as a table. */
export class Tally {
  readonly sent = new Map<string, number>();
  readonly connections = new Map<string, number>();
  /** Error codes the server answered with (protocol_error, connect_error, refused acks). */
  readonly errors = new Map<string, number>();
  /** How connections ended, by reason. */
  readonly closes = new Map<string, number>();
  /** Cases where the server did not do what the case expects, with what it did instead. */
  readonly mismatches: string[] = [];

  static bump(map: Map<string, number>, key: string, n = 1): void {
    map.set(key, (map.get(key) ?? 0) + n);
  }

  frames(category: string, n: number): void {
    Tally.bump(this.sent, category, n);
  }

  connection(category: string): void {
    Tally.bump(this.connections, category);
  }

  error(code: string): void {
    Tally.bump(this.errors, code);
  }

  close(reason: string): void {
    Tally.bump(this.closes, reason);
  }

  total(map: Map<string, number> = this.sent): number {
    let n = 0;
    for (const v of map.values()) n += v;
    return n;
  }

  lines(title: string): string[] {
    const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${String(v).padStart(6)}  ${k}`);
    return [
      `${title}: ${this.total()} sent over ${this.total(this.connections)} connections`,
      '  sent by category:',
      ...[...this.sent].map(([k, v]) => `    ${String(v).padStart(6)}  ${k} (${this.connections.get(k) ?? 0} connections)`),
      '  errors received, by code:',
      ...rows(this.errors),
      '  connections ended, by reason:',
      ...rows(this.closes),
      `  expectation mismatches: ${this.mismatches.length}`,
      ...this.mismatches.slice(0, 20).map((m) => `    ${m}`),
    ];
  }
}
