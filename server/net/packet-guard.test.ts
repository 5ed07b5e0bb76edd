/**
 * The /match input fast path charges the packet guard in batches (input-fast-path.ts): a batch
 * must be refused exactly where one packet at a time would have refused its last packet, with
 * the same answer to the sender, or a flood would get through (or an honest player be cut off).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io';
import { installPacketGuard } from './packet-guard.ts';
import type { Metrics } from '../metrics.ts';
import type { Logger } from '../log.ts';

function guarded(packetsPerSecond: number) {
  const told: unknown[] = [];
  let disconnected = false;
  const socket = { id: 's1', use() {}, emit: (_event: string, error: unknown) => told.push(error), disconnect: () => (disconnected = true) };
  const deps = { metrics: { protocolErrors: { inc() {} } } as unknown as Metrics, log: { warn() {} } as unknown as Logger };
  const guard = installPacketGuard(socket as unknown as Socket, { allowedEvents: new Set(['input']), packetsPerSecond, maxStrikes: 10, ...deps });
  return { guard, told, disconnected: () => disconnected };
}

describe('the packet guard charged in batches', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses a batch exactly where one packet at a time would have refused its last packet', () => {
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const single = guarded(120);
    const batched = guarded(120);
    // A full bucket takes 120 at once; both spellings agree on the 121st.
    for (let i = 0; i < 120; i++) expect(single.guard.admit('input')).toBe(true);
    for (let i = 0; i < 8; i++) expect(batched.guard.charge(15)).toBe(true);
    // Half a second later 60 tokens came back: 60 more pass, the 61st does not.
    now += 500;
    for (let i = 0; i < 60; i++) expect(single.guard.admit('input')).toBe(true);
    expect(batched.guard.charge(60)).toBe(true);
    expect(single.guard.admit('input')).toBe(false);
    expect(batched.guard.charge(1)).toBe(false);
    for (const side of [single, batched]) {
      expect(side.told).toEqual([{ code: 'RATE_LIMITED', message: 'more than 120 packets per second' }]);
      expect(side.disconnected()).toBe(true);
    }
  });

  it('refuses a batch that one packet at a time would have cut off inside it', () => {
    vi.spyOn(performance, 'now').mockReturnValue(5_000);
    const { guard, told } = guarded(120);
    expect(guard.charge(110)).toBe(true);
    // 10 tokens left: a batch of 11 went one over.
    expect(guard.charge(11)).toBe(false);
    expect(told).toHaveLength(1);
  });
});
