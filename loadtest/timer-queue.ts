/**
 * One timer for every bot in the process. Two thousand bots each sending 20 inputs a second
 * would otherwise arm 40,000 Node timers a second; a binary heap ordered by due time and a
 * single setTimeout for the earliest entry cost a fraction of that, and entries due within the
 * same half millisecond run in one wake-up.
 */
export interface TimerHandle {
  cancelled: boolean;
}

interface Entry extends TimerHandle {
  at: number;
  order: number;
  fn: () => void;
}

const BATCH_MS = 0.5;

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedFor = Infinity;
  private order = 0;
  private stopped = false;
  private running = false;

  constructor(private readonly now: () => number) {}

  /** Runs `fn` at local time `at` (ms, same clock as `now`), or soon after. */
  at(at: number, fn: () => void): TimerHandle {
    const entry: Entry = { at, order: this.order++, fn, cancelled: false };
    this.push(entry);
    if (!this.running && at < this.armedFor) this.arm();
    return entry;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.at(this.now() + ms, fn);
  }

  cancel(handle: TimerHandle | null | undefined): void {
    if (handle) handle.cancelled = true;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Drops every entry; nothing runs after this. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.heap.length = 0;
  }

  private arm(): void {
    if (this.stopped) return;
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    const first = this.heap[0];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
    if (!first) return;
    this.armedFor = first.at;
    this.timer = setTimeout(() => this.run(), Math.max(0, first.at - this.now()));
  }

  private run(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const limit = this.now() + BATCH_MS;
    this.running = true;
    try {
      while (!this.stopped && this.heap.length > 0 && this.heap[0]!.at <= limit) {
        const entry = this.pop()!;
        if (!entry.cancelled) entry.fn();
      }
    } finally {
      this.running = false;
      this.arm();
    }
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
