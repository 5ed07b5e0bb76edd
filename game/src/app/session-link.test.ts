import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol/errors.ts';
import { RETRY_CAP_MS, RETRY_MS, retryAfter, whileCurrent } from './session-link.ts';

describe('the session link', () => {
  it("passes a connection's events on while it is the page's, and drops them once another replaced it", () => {
    let current = true;
    const got: string[] = [];
    const handlers = whileCurrent({ chat: (m: { text: string }, n: number) => got.push(`${m.text} ${n}`), nothing: undefined }, () => current);
    handlers.chat({ text: 'hi' }, 1);
    current = false;
    handlers.chat({ text: 'late' }, 2);
    expect(got).toEqual(['hi 1']);
    expect('nothing' in handlers).toBe(false);
  });

  it('retries an unreachable server by itself, pausing twice as long each time up to the cap', () => {
    const pauses: number[] = [];
    let pause = RETRY_MS;
    for (let i = 0; i < 6; i++) {
      const next = retryAfter(i % 2 ? ErrorCode.Timeout : ErrorCode.Unavailable, pause);
      pauses.push(next.inMs!);
      pause = next.nextMs;
    }
    expect(pauses).toEqual([2000, 4000, 8000, RETRY_CAP_MS, RETRY_CAP_MS, RETRY_CAP_MS]);
  });

  it('waits for the player when trying again would fail the same way (a refused nickname, an expired token)', () => {
    expect(retryAfter(ErrorCode.BadRequest, 8000)).toEqual({ inMs: null, nextMs: 8000 });
    expect(retryAfter(ErrorCode.AuthExpired, RETRY_MS).inMs).toBeNull();
  });
});
