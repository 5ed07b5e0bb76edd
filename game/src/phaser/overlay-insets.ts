/**
 * The match HUD is DOM laid over the canvas: the top bar across the top and, on a narrow page,
 * the chat box across the bottom (or under the top bar on a touch screen). What the player can
 * see of the world is the band between them, so a camera that follows the player centres it in
 * that band and may scroll past the map's edge by the covered heights: a player at the wall is
 * then drawn below the top bar instead of under "Leave match".
 *
 * Only overlays marked `data-covers-canvas` count, and only those at least half the canvas wide:
 * a chat box in the corner of a wide window hides a corner, not a band, and the camera should not
 * shift for it (1280 × 720 keeps its look). Everything here is in game px, which the RESIZE scale
 * mode makes equal to CSS px; `measure` converts anyway, in case the canvas is ever scaled.
 */

export interface Rect {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Heights covered at the top and at the bottom of the canvas (game px). */
export interface Insets {
  top: number;
  bottom: number;
}

export const NO_INSETS: Insets = Object.freeze({ top: 0, bottom: 0 });

/** An overlay narrower than this share of the canvas covers a corner, not a band. */
const BAND_SHARE = 0.5;
/** Never let overlays leave less than this share of the height to the world (a tiny landscape window). */
const MIN_VISIBLE_SHARE = 0.35;

/**
 * The covered band heights, from overlay rectangles given relative to the canvas' top-left corner.
 * An overlay whose middle is in the upper half covers from the top down to its bottom edge; one in
 * the lower half from its top edge down. If they would leave less than `MIN_VISIBLE_SHARE` of the
 * height visible, both shrink in proportion.
 */
export function coveredInsets(view: { width: number; height: number }, rects: readonly Rect[]): Insets {
  const { width, height } = view;
  if (!(width > 0) || !(height > 0)) return NO_INSETS;
  let top = 0;
  let bottom = 0;
  for (const r of rects) {
    const left = Math.max(0, r.left);
    const right = Math.min(width, r.right);
    const upper = Math.max(0, r.top);
    const lower = Math.min(height, r.bottom);
    if (!(right - left >= width * BAND_SHARE) || !(lower > upper)) continue;
    if ((upper + lower) / 2 < height / 2) top = Math.max(top, lower);
    else bottom = Math.max(bottom, height - upper);
  }
  const allowed = height * (1 - MIN_VISIBLE_SHARE);
  if (top + bottom > allowed) {
    const k = allowed / (top + bottom);
    top *= k;
    bottom *= k;
  }
  return { top: Math.round(top), bottom: Math.round(bottom) };
}

/**
 * Where a following camera's middle goes relative to the followed point: up by half the
 * difference, so the point sits in the middle of the visible band (Phaser subtracts its follow
 * offset from the target).
 */
export function followOffsetY(insets: Insets): number {
  return (insets.top - insets.bottom) / 2;
}

export function sameInsets(a: Insets, b: Insets): boolean {
  return a.top === b.top && a.bottom === b.bottom;
}

/** How often the overlay is measured: the chat grows with lines, the top bar wraps on a turn. */
const POLL_MS = 250;

/**
 * Measures the marked overlays against a canvas, at most every `POLL_MS` (a layout read per
 * frame is wasted work); one per scene.
 */
export class OverlayProbe {
  private lastMs = -Infinity;
  private current: Insets = NO_INSETS;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly gameSize: () => { width: number; height: number },
  ) {}

  insets(): Insets {
    return this.current;
  }

  /** Measures if it is time (or `force`); true when the insets changed. */
  poll(nowMs: number, force = false): boolean {
    if (!force && nowMs - this.lastMs < POLL_MS) return false;
    this.lastMs = nowMs;
    const next = this.measure();
    if (sameInsets(next, this.current)) return false;
    this.current = next;
    return true;
  }

  private measure(): Insets {
    const doc = this.canvas.ownerDocument;
    const box = this.canvas.getBoundingClientRect();
    const size = this.gameSize();
    if (!doc || box.width <= 0 || box.height <= 0) return NO_INSETS;
    const sx = size.width / box.width;
    const sy = size.height / box.height;
    const rects: Rect[] = [];
    for (const el of doc.querySelectorAll('[data-covers-canvas]')) {
      const r = el.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) continue;
      rects.push({ left: (r.left - box.left) * sx, right: (r.right - box.left) * sx, top: (r.top - box.top) * sy, bottom: (r.bottom - box.top) * sy });
    }
    return coveredInsets(size, rects);
  }
}
