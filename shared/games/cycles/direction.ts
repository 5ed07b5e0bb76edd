/**
 * The four headings, numbered as the input carries them (0 is "keep", never a heading). Clockwise
 * order makes turning arithmetic: the codec sends a turn as one bit (clockwise or not).
 */
export const Dir = { Up: 1, Right: 2, Down: 3, Left: 4 } as const;
export type Dir = 1 | 2 | 3 | 4;

/** Screen coordinates: y grows downwards. Index 0 is unused ("keep"). */
export const DX: readonly number[] = [0, 0, 1, 0, -1];
export const DY: readonly number[] = [0, -1, 0, 1, 0];

export const isDir = (v: unknown): v is Dir => v === 1 || v === 2 || v === 3 || v === 4;
export const opposite = (d: Dir): Dir => ((d + 1) % 4) + 1 as Dir;
export const clockwise = (d: Dir): Dir => (d % 4) + 1 as Dir;
export const counterClockwise = (d: Dir): Dir => ((d + 2) % 4) + 1 as Dir;

/** Heading from one cell to another on the same row or column; 0 if they are equal or not aligned. */
export function dirBetween(x0: number, y0: number, x1: number, y1: number): Dir | 0 {
  if (x0 === x1) return y1 < y0 ? Dir.Up : y1 > y0 ? Dir.Down : 0;
  if (y0 === y1) return x1 > x0 ? Dir.Right : Dir.Left;
  return 0;
}
