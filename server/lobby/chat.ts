/**
 * Chat for both channels (lobby and match): the text is cleaned and length-checked, and each
 * player has one rate limit across channels, so flooding one channel does not buy room in the other.
 * The lines that pass are numbered and kept per room (`log`) for players who missed them in a drop.
 */
import type { ChatMessage } from '../../shared/protocol/lobby-events.ts';
import { cleanChatText } from '../../shared/protocol/lobby-rules.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import { ChatLog } from './chat-log.ts';
import { KeyedRateLimiter } from './rate-limit.ts';

export interface ChatOptions {
  maxLength: number;
  burst: number;
  intervalMs: number;
  now: () => number;
  /** Lines kept per room for players back from a drop (default 30; 0 keeps none). */
  historyPerRoom?: number;
}

/** Rooms whose lines are kept: the lobby and every running match of a node, with room to spare. */
const MAX_ROOMS = 4096;

export class ChatGate {
  private readonly limiter: KeyedRateLimiter;
  /** The last lines of each room, with their ids (chat-log.ts). */
  readonly log: ChatLog;

  constructor(private readonly opts: ChatOptions) {
    this.limiter = new KeyedRateLimiter({ burst: opts.burst, intervalMs: opts.intervalMs });
    this.log = new ChatLog({ perRoom: opts.historyPerRoom ?? 30, maxRooms: MAX_ROOMS, now: opts.now });
  }

  get maxLength(): number {
    return this.opts.maxLength;
  }

  /** A line to send, without its id: the room's ChatLog gives it one. */
  accept(guest: GuestIdentity, channel: ChatMessage['channel'], raw: unknown): Result<Omit<ChatMessage, 'id'>, 'BAD_REQUEST' | 'TOO_LONG' | 'RATE_LIMITED'> {
    const text = cleanChatText(raw, this.opts.maxLength);
    if (!text.ok) return text;
    const now = this.opts.now();
    if (!this.limiter.take(guest.guestId, now)) {
      return err('RATE_LIMITED', `at most ${this.opts.burst} messages at once, then one every ${this.opts.intervalMs} ms`);
    }
    return ok({ channel, from: { guestId: guest.guestId, nickname: guest.nickname }, text: text.value, at: Math.round(now) });
  }
}
