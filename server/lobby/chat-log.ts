/**
 * The last lines of each chat room (the lobby, each match), so a player whose connection dropped
 * gets the lines it missed once it is back: it names the id of the last line it saw and gets the
 * later ones, oldest first (`missed`).
 *
 * Ids are unique and increasing across every room of this process and across its restarts (the
 * clock in µs, at least one more than the last): a client holding an id from before a restart
 * never mistakes new lines for old ones. Bounded twice: `perRoom` lines per room, and `maxRooms`
 * rooms (the room written to longest ago goes first; a match that is over is never written again).
 *
 * One process's log: in a cluster, a line reaches every node's players through the adapter, but
 * only the node it was sent through keeps it.
 */
import type { ChatMessage } from '../../shared/protocol/lobby-events.ts';

export interface ChatLogOptions {
  perRoom: number;
  maxRooms: number;
  now: () => number;
}

export class ChatLog {
  /** Insertion order is recency: a room written to moves to the end. */
  private readonly rooms = new Map<string, ChatMessage[]>();
  private lastId = 0;

  constructor(private readonly opts: ChatLogOptions) {}

  /** Gives `line` its id and keeps it (when `perRoom` > 0). */
  append(room: string, line: Omit<ChatMessage, 'id'>): ChatMessage {
    this.lastId = Math.max(this.lastId + 1, Math.floor(this.opts.now() * 1000));
    const message: ChatMessage = { ...line, id: this.lastId };
    if (this.opts.perRoom <= 0) return message;
    let lines = this.rooms.get(room);
    if (lines) this.rooms.delete(room);
    else lines = [];
    this.rooms.set(room, lines);
    lines.push(message);
    if (lines.length > this.opts.perRoom) lines.splice(0, lines.length - this.opts.perRoom);
    while (this.rooms.size > this.opts.maxRooms) this.rooms.delete(this.rooms.keys().next().value!);
    return message;
  }

  /** The room's kept lines after `afterId`, oldest first, and the id of its latest line (0: none). */
  missed(room: string, afterId: number): { messages: ChatMessage[]; latest: number } {
    const lines = this.rooms.get(room) ?? [];
    return { messages: lines.filter((m) => m.id > afterId), latest: lines.at(-1)?.id ?? 0 };
  }

  /** Forgets a room (a match that is over). */
  drop(room: string): void {
    this.rooms.delete(room);
  }
}
