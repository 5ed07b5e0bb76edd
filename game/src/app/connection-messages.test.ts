import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol/errors.ts';
import { adviceFor, isAuthCode } from './connection-messages.ts';

describe('what the page tells a player about an error', () => {
  it('has a sentence for every connect_error the issue names, and says who fixes it', () => {
    for (const code of [ErrorCode.AuthMissing, ErrorCode.AuthExpired, ErrorCode.AuthInvalid]) {
      expect(adviceFor(code).recovers).toBe(true); // the page takes a new guest token itself
      expect(isAuthCode(code)).toBe(true);
    }
    expect(adviceFor(ErrorCode.ServerFull)).toEqual({ message: expect.stringMatching(/full/), recovers: false });
    expect(adviceFor(ErrorCode.ServerDraining).message).toMatch(/restarting/);
    expect(adviceFor(ErrorCode.VersionMismatch).message).toMatch(/Reload/);
  });

  it('treats socket.io transport errors as an unreachable server, and keeps unknown codes’ messages', () => {
    expect(adviceFor('websocket error')).toEqual(adviceFor(ErrorCode.Unavailable));
    expect(adviceFor('SOMETHING_NEW', 'the server says why').message).toBe('the server says why');
    expect(isAuthCode(ErrorCode.MatchFull)).toBe(false);
  });
});
