import { describe, expect, it } from 'vitest';
import { EventTally } from './event-tally.ts';

describe('EventTally', () => {
  it('counts per second, type and subtype, and starts over once read', () => {
    let now = 5_000_250;
    const tally = new EventTally(() => now);
    tally.push('packetsOut');
    tally.push('packetsOut');
    tally.push('bytesOut', undefined, 120);
    tally.push('rawDisconnection', 'transport close');
    now = 5_001_010;
    tally.push('packetsOut');
    expect(tally.getValuesAndClear()).toEqual([
      { timestamp: 5_000_000, type: 'packetsOut', count: 2 },
      { timestamp: 5_000_000, type: 'bytesOut', count: 120 },
      { timestamp: 5_000_000, type: 'rawDisconnection', subType: 'transport close', count: 1 },
      { timestamp: 5_001_000, type: 'packetsOut', count: 1 },
    ]);
    expect(tally.getValuesAndClear()).toEqual([]);
  });
});
