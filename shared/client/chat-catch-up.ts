/**
 * Chat lines missed during a drop, delivered once and in order. A chat room (the lobby, one
 * match) numbers its lines; this keeps the id of the last line delivered, and when the
 * connection is back asks the server for the later ones (`chat_missed`). Live lines that arrive
 * while that answer is on its way are held, then everything goes out sorted by id, each id once.
 *
 * On a first connection there is nothing to catch up with, only a starting point: the room's
 * latest id, so that a drop before any line was seen still finds the lines sent during it.
 */
import type { AckResult } from '../protocol/errors.ts';
import type { ChatMessage, ChatMissed } from '../protocol/lobby-events.ts';

/** Asks the server for the room's lines after `after` (with `Number.MAX_SAFE_INTEGER`: none, only its latest id). */
export type AskMissed = (after: number) => Promise<AckResult<ChatMissed>>;

export class ChatCatchUp {
  /** Id of the last line delivered (or the starting point); null before the first connection. */
  lastId: number | null;
  /** Live lines held while the server's answer is on its way. */
  private held: ChatMessage[] | null = null;

  constructor(
    private readonly deliver: (message: ChatMessage) => void,
    since: number | null = null,
  ) {
    this.lastId = since;
  }

  /** A line as it arrives. */
  live(message: ChatMessage): void {
    if (this.held) this.held.push(message);
    else this.pass(message);
  }

  /** The connection is (back) up: catch up after a drop, or learn the starting point. */
  async connected(ask: AskMissed): Promise<void> {
    if (this.held) return; // one at a time: the answer in flight covers this connection too
    this.held = [];
    const fresh = this.lastId === null;
    let missed: ChatMessage[] = [];
    try {
      const res = await ask(fresh ? Number.MAX_SAFE_INTEGER : this.lastId!);
      if (res.ok) {
        missed = res.messages;
        if (fresh) this.lastId = res.latest;
      }
    } finally {
      const held = this.held;
      this.held = null;
      // Held lines came live after this connection opened: new to this client even when the
      // starting point was read after them.
      if (fresh) for (const m of held) this.lastId = Math.min(this.lastId ?? m.id - 1, m.id - 1);
      for (const m of [...missed, ...held].sort((a, b) => a.id - b.id)) this.pass(m);
    }
  }

  /** Another room (a new match): nothing seen there yet. */
  reset(): void {
    this.lastId = null;
  }

  private pass(message: ChatMessage): void {
    // A server without ids (older) cannot be caught up with: its lines just go through.
    if (typeof message.id !== 'number') return this.deliver(message);
    if (this.lastId !== null && message.id <= this.lastId) return;
    this.lastId = message.id;
    this.deliver(message);
  }
}
