import { describe, expect, it } from 'vitest';
import { ByteCounter, frameBytes } from './byte-counter.ts';

describe('frameBytes', () => {
  it('adds the WebSocket header, the extended length and the client mask key', () => {
    expect(frameBytes(50, false)).toBe(52);
    expect(frameBytes(50, true)).toBe(56);
    expect(frameBytes(200, false)).toBe(204);
    expect(frameBytes(70_000, true)).toBe(70_014);
  });
});

describe('ByteCounter', () => {
  it('hands out what was counted since the previous take', () => {
    const c = new ByteCounter();
    c.frameIn(52);
    c.frameOut(20);
    expect(c.take()).toEqual({ framesIn: 1, framesOut: 1, bytesIn: 52, bytesOut: 20 });
    c.frameIn(10);
    c.addBytes(300, 0);
    expect(c.take()).toEqual({ framesIn: 1, framesOut: 0, bytesIn: 310, bytesOut: 0 });
    expect(c.totals().bytesIn).toBe(362);
  });
});
