/**
 * Line charts as inline SVG strings: the HTML report embeds them, so it opens anywhere with no
 * network and no chart library. Gaps in a series (null values) break the line instead of
 * drawing a fake zero. Pure functions of their input.
 */

export interface Series {
  name: string;
  color: string;
  /** [x, y] with y null where nothing was measured. */
  points: [number, number | null][];
  dashed?: boolean;
  /** Fill the area under this series (for counts such as CCU). */
  area?: boolean;
}

export interface ChartSpec {
  series: Series[];
  /** Unit shown on the y axis ("ms", "B/s", "%"). */
  unit: string;
  /** Shaded x range with a label, e.g. the ramp-up. */
  band?: { from: number; to: number; label: string };
  /** Horizontal reference lines, e.g. a target or the nominal snapshot interval. */
  refs?: { y: number; label: string; color: string }[];
  yMin?: number;
  /** Lowest top of the y axis, so a flat series near zero is not blown up to full height. */
  yMaxAtLeast?: number;
  /**
   * Scale the y axis on points from this x on (e.g. the measured window), clipping earlier
   * outliers (connection storms during ramp-up) instead of flattening the steady state.
   */
  scaleFromX?: number;
  /** Unique within the page: names the clip path. */
  id?: string;
  width?: number;
  height?: number;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 1, 2 or 5 times a power of ten: axis steps people read at a glance. */
export function niceStep(range: number, targetTicks: number): number {
  if (!(range > 0)) return 1;
  const raw = range / targetTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Short axis label: 1500 -> "1.5k", 0.25 -> "0.25". */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  if (a === 0) return '0';
  if (a < 1) return `${+v.toFixed(2)}`;
  return `${+v.toFixed(1)}`;
}

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 560;
  const H = spec.height ?? 220;
  const m = { l: 48, r: 14, t: 24, b: 28 };
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of spec.series) {
    for (const [x, y] of s.points) {
      xs.push(x);
      if (y !== null && Number.isFinite(y) && x >= (spec.scaleFromX ?? -Infinity)) ys.push(y);
    }
  }
  for (const r of spec.refs ?? []) ys.push(r.y);
  if (xs.length === 0) {
    return `<svg viewBox="0 0 ${W} ${H}" class="chart" role="img"><text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="empty">no data</text></svg>`;
  }
  const x0 = Math.min(...xs, spec.band?.from ?? Infinity);
  const x1 = Math.max(...xs, x0 + 1);
  const yLo = spec.yMin ?? Math.min(0, ...ys);
  const yHiRaw = Math.max(yLo + 1e-9, spec.yMaxAtLeast ?? 0, ...(ys.length ? ys : [1]));
  const yStep = niceStep(yHiRaw - yLo, 4);
  const yHi = Math.ceil((yHiRaw * 1.05 - yLo) / yStep) * yStep + yLo;
  const px = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number): number => H - m.b - ((y - yLo) / (yHi - yLo)) * (H - m.t - m.b);
  const out: string[] = [];
  const clip = `clip-${spec.id ?? 'chart'}`;
  out.push(`<svg viewBox="0 0 ${W} ${H}" class="chart" role="img">`);
  out.push(`<defs><clipPath id="${clip}"><rect x="${m.l}" y="${m.t - 2}" width="${W - m.l - m.r}" height="${H - m.t - m.b + 2}"/></clipPath></defs>`);
  if (spec.band && spec.band.to > spec.band.from) {
    const bx0 = px(Math.max(x0, spec.band.from));
    const bx1 = px(Math.min(x1, spec.band.to));
    out.push(`<rect x="${bx0.toFixed(1)}" y="${m.t}" width="${Math.max(0, bx1 - bx0).toFixed(1)}" height="${H - m.t - m.b}" class="band"/>`);
    out.push(`<text x="${(bx0 + 4).toFixed(1)}" y="${m.t + 12}" class="band-label">${esc(spec.band.label)}</text>`);
  }
  for (let y = yLo; y <= yHi + yStep / 1000; y += yStep) {
    const yy = py(y).toFixed(1);
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${yy}" y2="${yy}" class="grid"/>`);
    out.push(`<text x="${m.l - 6}" y="${yy}" class="ytick" dy="0.32em">${formatTick(y)}</text>`);
  }
  const xStep = niceStep(x1 - x0, 6);
  for (let x = Math.ceil(x0 / xStep) * xStep; x <= x1 + 1e-9; x += xStep) {
    out.push(`<text x="${px(x).toFixed(1)}" y="${H - m.b + 16}" class="xtick">${formatTick(x)}s</text>`);
  }
  out.push(`<text x="4" y="${m.t - 12}" class="unit">${esc(spec.unit)}</text>`);
  for (const r of spec.refs ?? []) {
    const yy = py(r.y).toFixed(1);
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${yy}" y2="${yy}" stroke="${r.color}" class="ref"/>`);
    out.push(`<text x="${W - m.r - 4}" y="${(py(r.y) - 4).toFixed(1)}" class="ref-label" fill="${r.color}">${esc(r.label)}</text>`);
  }
  out.push(`<g clip-path="url(#${clip})">`);
  for (const s of spec.series) {
    const runs = segments(s.points);
    for (const run of runs) {
      const d = run.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
      if (s.area && run.length > 1) {
        const first = run[0]!;
        const last = run[run.length - 1]!;
        out.push(
          `<path d="${d}L${px(last[0]).toFixed(1)},${py(yLo).toFixed(1)}L${px(first[0]).toFixed(1)},${py(yLo).toFixed(1)}Z" fill="${s.color}" class="area"/>`,
        );
      }
      if (run.length === 1) {
        out.push(`<circle cx="${px(run[0]![0]).toFixed(1)}" cy="${py(run[0]![1]).toFixed(1)}" r="2" fill="${s.color}"/>`);
      } else {
        out.push(`<path d="${d}" stroke="${s.color}" class="line${s.dashed ? ' dashed' : ''}"/>`);
      }
    }
  }
  out.push('</g>');
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" class="axis"/>`);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" class="axis"/>`);
  out.push('</svg>');
  return out.join('');
}

/** Consecutive measured points; a null ends a run. */
function segments(points: [number, number | null][]): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([x, y]);
  }
  if (run.length) runs.push(run);
  return runs;
}
