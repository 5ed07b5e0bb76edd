import { describe, expect, it } from 'vitest';
import { clockSeconds, formatClock } from './hud-model.ts';

describe('numbers on screen', () => {
  it('counts whole seconds up to the end tick and formats m:ss', () => {
    expect(clockSeconds(0, 0, 30)).toBeNull();
    expect(clockSeconds(100, 131, 30)).toBe(2);
    expect(clockSeconds(200, 131, 30)).toBe(0);
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(605)).toBe('10:05');
  });
});
