/**
 * Sparkline geometry: a series (oldest first, NaN where unknown) as polyline segments in a
 * `width` × `height` box, scaled from 0 to the series' top (at least `minTop`), newest at the
 * right edge. Unknown points break the line.
 */
export function sparklineSegments(values: readonly number[], width: number, height: number, capacity: number, minTop = 1): [number, number][][] {
  let top = minTop;
  for (const v of values) if (Number.isFinite(v) && v > top) top = v;
  const step = capacity > 1 ? width / (capacity - 1) : width;
  const offset = capacity - values.length;
  const segments: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      if (current.length > 0) segments.push(current);
      current = [];
      return;
    }
    const x = (offset + i) * step;
    const y = height - 1 - (Math.max(0, v) / top) * (height - 2);
    current.push([x, y]);
  });
  if (current.length > 0) segments.push(current);
  return segments;
}
