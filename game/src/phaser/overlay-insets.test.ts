import { describe, expect, it } from 'vitest';
import { coveredInsets, followOffsetY } from './overlay-insets.ts';

const phone = { width: 360, height: 640 };

describe('coveredInsets', () => {
  it('a phone: the top bar and the chat box across the bottom leave the band between them', () => {
    const insets = coveredInsets(phone, [
      { left: 0, right: 360, top: 0, bottom: 122 },
      { left: 12, right: 348, top: 548, bottom: 604 },
    ]);
    expect(insets).toEqual({ top: 122, bottom: 92 });
    // The followed player is drawn in the middle of what is visible, not under the top bar.
    const visibleMiddle = insets.top + (phone.height - insets.top - insets.bottom) / 2;
    expect(phone.height / 2 + followOffsetY(insets)).toBe(visibleMiddle);
  });

  it('a wide window: a chat box in the corner covers no band, the top bar does', () => {
    const insets = coveredInsets({ width: 1280, height: 720 }, [
      { left: 0, right: 1280, top: 0, bottom: 52 },
      { left: 12, right: 372, top: 622, bottom: 684 },
    ]);
    expect(insets).toEqual({ top: 52, bottom: 0 });
  });

  it('a touch screen: the chat under the top bar widens the top band', () => {
    const insets = coveredInsets(phone, [
      { left: 0, right: 360, top: 0, bottom: 122 },
      { left: 8, right: 288, top: 128, bottom: 200 },
    ]);
    expect(insets).toEqual({ top: 200, bottom: 0 });
  });

  it('overlays that would hide most of a small landscape window shrink in proportion', () => {
    const insets = coveredInsets({ width: 640, height: 200 }, [
      { left: 0, right: 640, top: 0, bottom: 100 },
      { left: 0, right: 640, top: 150, bottom: 200 },
    ]);
    expect(insets.top + insets.bottom).toBe(130);
    expect(insets.top).toBeGreaterThan(insets.bottom);
  });

  it('ignores overlays outside the canvas, empty ones, NaN and a canvas of no size', () => {
    expect(coveredInsets(phone, [{ left: 0, right: 360, top: -80, bottom: -10 }, { left: 0, right: 360, top: 50, bottom: 50 }, { left: NaN, right: 360, top: 0, bottom: 90 }])).toEqual({ top: 0, bottom: 0 });
    expect(coveredInsets({ width: 0, height: 0 }, [{ left: 0, right: 360, top: 0, bottom: 90 }])).toEqual({ top: 0, bottom: 0 });
  });
});
