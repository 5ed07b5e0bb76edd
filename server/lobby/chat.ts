/**
 * Chat for both channels (lobby and match): the text is cleaned and length-checked, and each
 * player has one rate limit across channels, so flooding one channel does not buy room in the other.
 */
import type { ChatMessage } from '../../shared/protocol/lobby-events.ts';
import { cleanChatText } from '../../shared/protocol/lobby-rules.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import { KeyedRateLimiter } from './rate-limit.ts';

export interface ChatOptions {
  maxLength: number;
  burst: number;
  intervalMs: number;
  now: () => number;
}

export class ChatGate {
  private readonly limiter: KeyedRateLimiter;

  constructor(private readonly opts: ChatOptions) {
    this.limiter = new KeyedRateLimiter({ burst: opts.burst, intervalMs: opts.intervalMs });
  }

  get maxLength(): number {
    return this.opts.maxLength;
  }

  accept(guest: GuestIdentity, channel: ChatMessage['channel'], raw: unknown): Result<ChatMessage, 'BAD_REQUEST' | 'TOO_LONG' | 'RATE_LIMITED'> {
    const text = cleanChatText(raw, this.opts.maxLength);
    if (!text.ok) return text;
    const now = this.opts.now();
    if (!this.limiter.take(guest.guestId, now)) {
      return err('RATE_LIMITED', `at most ${this.opts.burst} messages at once, then one every ${this.opts.intervalMs} ms`);
    }
    return ok({ channel, from: { guestId: guest.guestId, nickname: guest.nickname }, text: text.value, at: Math.round(now) });
  }
}
