import { describe, expect, it } from 'vitest';
import { DISCONNECT_REASONS } from '../metrics.ts';
import { reasonLabel } from './disconnect-stats.ts';

describe('reasonLabel', () => {
  it("keeps socket.io's reasons and folds anything else into 'other'", () => {
    for (const reason of DISCONNECT_REASONS) expect(reasonLabel(reason)).toBe(reason);
    expect(reasonLabel('some future reason')).toBe('other');
    expect(reasonLabel('')).toBe('other');
  });
});
