/**
 * The HTML report: the JSON report's figures as a page — headline figures first, then charts
 * over time (players, round trip, snapshot gaps, bandwidth, server tick time, CPU, input
 * latency, errors), then per-node details and the run's options. One self-contained file:
 * inline CSS and SVG, no script, no network.
 */
import { pendingText, type Report, type TimelinePoint } from './report.ts';
import { formatTick, lineChart, type ChartSpec, type Series } from './svg-chart.ts';

/** A move a player should not notice: the longest freeze a rolling deploy may cause. */
const MOVE_GAP_GOAL_MS = 250;

const COLORS = ['#2563eb', '#f59e0b', '#dc2626', '#0d9488', '#7c3aed', '#db2777', '#65a30d', '#0891b2'];
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type Tone = 'good' | 'bad' | 'neutral';

interface Kpi {
  label: string;
  value: string;
  unit?: string;
  sub?: string;
  tone?: Tone;
}

function fmt(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 10_000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(Math.abs(v) >= 100 ? 0 : digits).replace(/\.0+$/, '');
}

function series(timeline: TimelinePoint[], name: string, color: string, pick: (p: TimelinePoint) => number | null, extra: Partial<Series> = {}): Series {
  return { name, color, points: timeline.map((p) => [p.t, pick(p)]), ...extra };
}

function chartCard(title: string, caption: string, spec: ChartSpec): string {
  spec.id ??= title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const legend = spec.series
    .map((s) => `<span class="key"><i style="background:${s.color}${s.dashed ? ';opacity:.6' : ''}"></i>${esc(s.name)}</span>`)
    .join('');
  return `<section class="card chart-card"><header><h3>${esc(title)}</h3><div class="legend">${legend}</div></header>${lineChart(spec)}<p class="caption">${esc(caption)}</p></section>`;
}

function kpiCard(k: Kpi): string {
  return `<div class="kpi ${k.tone ?? 'neutral'}"><div class="kpi-label">${esc(k.label)}</div><div class="kpi-value">${esc(k.value)}${k.unit ? `<small>${esc(k.unit)}</small>` : ''}</div>${k.sub ? `<div class="kpi-sub">${esc(k.sub)}</div>` : ''}</div>`;
}

/** Shown when the run could see a failover: several nodes, or bots put out of their match. */
function failoverKpi(r: Report): Kpi | null {
  const f = r.failover;
  // Reports written before the failover figures existed have none.
  if (!f || (r.urls.length < 2 && f.botsDropped === 0 && f.urlSwitches === 0)) return null;
  if (f.botsDropped === 0) {
    return { label: 'Failover', value: '0', unit: ' dropped', sub: `no bot was put out of its match · ${f.urlSwitches} moves to another URL`, tone: 'good' };
  }
  const pending = pendingText(f).replace(/^, /, ' · ');
  const refused = f.causes.refused ? `, ${f.causes.refused} refused while seated` : '';
  return {
    label: 'Failover: back in a match',
    value: `${f.botsBack}`,
    unit: ` / ${f.botsDropped}`,
    sub: `within 10 s · p50 ${fmt(f.backInMatchMs.p50, 0)} ms · max ${fmt(f.backInMatchMs.max, 0)} ms · ${f.botsLost} lost${pending} · ${f.urlSwitches} moved to another URL · ${f.causes.disconnected} disconnected, ${f.causes.matchMoved} match moved${refused}`,
    tone: f.botsLost > 0 || f.botsSeatedIdle > 0 ? 'bad' : f.botsPending > 0 ? 'neutral' : 'good',
  };
}

/** What a moved player saw freeze: last snapshot before the move to first one after it. */
function moveGapKpi(r: Report): Kpi | null {
  const g = r.failover?.gapDuringMoveMs;
  // Reports written before the figure existed have none; runs with no move have no gap.
  if (!g || g.max === null) return null;
  return {
    label: 'Failover: snapshot gap during the move',
    value: fmt(g.max, 0),
    unit: ' ms max',
    sub: `p50 ${fmt(g.p50, 0)} ms · p99 ${fmt(g.p99, 0)} ms · last snapshot before the move to the first after it`,
    tone: g.max <= MOVE_GAP_GOAL_MS ? 'good' : 'bad',
  };
}

export function renderHtmlReport(r: Report): string {
  const tl = r.timeline;
  const before = r.rampUpS + (r.warmupS ?? 0);
  const band = before > 0 ? { from: 0, to: before, label: r.warmupS ? 'ramp-up + warm-up' : 'ramp-up' } : undefined;
  // Scale on the measured window: connection storms during ramp-up are clipped, not the story.
  const scaleFromX = before > 0 && tl.some((p) => p.phase === 'measure') ? before + 0.5 : undefined;
  const interval = r.tickRateHz ? 1000 / r.tickRateHz : null;
  const sumServerCpu = r.server.reduce((a, s) => a + (s.cpuPercent ?? 0), 0);
  const worstTickP99 = Math.max(...r.server.map((s) => s.tickMs.p99 ?? 0));

  const kpis: Kpi[] = [
    { label: 'Bots connected', value: `${r.connected}`, unit: ` / ${r.bots}`, sub: `${r.inMatch} in a match · ${r.matches} matches`, tone: r.connected === r.bots ? 'good' : 'bad' },
    {
      label: 'Snapshot rate',
      value: fmt(r.snapshotRateHz.p50),
      unit: ' Hz',
      sub: `per bot, median · min ${fmt(r.snapshotRateHz.min)} Hz`,
      tone: r.tickRateHz && r.snapshotRateHz.min !== null ? (r.snapshotRateHz.min >= r.tickRateHz * 0.9 ? 'good' : 'bad') : 'neutral',
    },
    {
      label: 'Snapshot gap p99',
      value: fmt(r.snapshotGapMs.p99),
      unit: ' ms',
      sub: `median ${fmt(r.snapshotGapMs.p50)} · max ${fmt(r.snapshotGapMs.max)} ms`,
      tone: interval && r.snapshotGapMs.p99 !== null ? (r.snapshotGapMs.p99 <= interval * 1.5 ? 'good' : 'bad') : 'neutral',
    },
    { label: 'Round trip p99', value: fmt(r.rttMs.p99), unit: ' ms', sub: `median ${fmt(r.rttMs.p50)} · p95 ${fmt(r.rttMs.p95)} · max ${fmt(r.rttMs.max)} ms` },
    { label: 'Input → ack p99', value: fmt(r.inputToAckMs.p99), unit: ' ms', sub: `median ${fmt(r.inputToAckMs.p50)} ms · ${r.inputToAckSamples.toLocaleString('en-US')} inputs · ${(r.inputsSkipped ?? 0).toLocaleString('en-US')} ticks skipped` },
    { label: 'Download per bot', value: fmt(r.downBytesPerBotPerSec, 0), unit: ' B/s', sub: `${fmt(r.framesPerSnapshot, 2)} WebSocket frames per snapshot` },
    { label: 'Upload per bot', value: fmt(r.upBytesPerBotPerSec, 0), unit: ' B/s', sub: 'inputs, clock pings, acks; framing included' },
    {
      label: 'Errors',
      value: `${r.errors}`,
      sub: `${r.disconnects} disconnects · ${r.reconnects} reconnects`,
      tone: r.errors === 0 && r.disconnects === 0 ? 'good' : 'bad',
    },
    {
      label: r.server.length > 1 ? 'Server CPU (all nodes)' : 'Server CPU',
      value: fmt(sumServerCpu),
      unit: ' %',
      sub: `of one core · ${fmt(r.serverCpuMsPer1000BotSeconds, 0)} ms CPU per 1,000 bot-seconds`,
    },
    { label: 'Server tick p99', value: fmt(worstTickP99 || null, 2), unit: ' ms', sub: r.server.map((s) => `p50 ${fmt(s.tickMs.p50, 2)} ms`).join(' · ') },
  ];

  const failover = failoverKpi(r);
  if (failover) kpis.push(failover);
  const moveGap = moveGapKpi(r);
  if (moveGap) kpis.push(moveGap);

  const serverSeries = (pick: (s: TimelinePoint['server'][number]) => number | null, label: string, offset = 0): Series[] =>
    r.server.map((s, i) =>
      series(tl, r.server.length > 1 ? `${label} ${s.nodeId ?? s.url}` : label, COLORS[(i + offset) % COLORS.length]!, (p) => {
        const x = p.server[i];
        return x ? pick(x) : null;
      }),
    );

  const charts = [
    chartCard('Players', 'Bots with a connected socket, and bots seated in a match, each second.', {
      unit: 'bots',
      band,
      series: [series(tl, 'connected', COLORS[0]!, (p) => p.connected, { area: true }), series(tl, 'in a match', COLORS[3]!, (p) => p.inMatch)],
    }),
    chartCard('Round trip', 'Clock-sync ping (socket.io acknowledgement) per bot, percentiles across bots each second.', {
      unit: 'ms',
      band,
      scaleFromX,
      yMaxAtLeast: 5,
      series: [
        series(tl, 'p50', COLORS[0]!, (p) => p.rttMs.p50),
        series(tl, 'p95', COLORS[1]!, (p) => p.rttMs.p95),
        series(tl, 'p99', COLORS[2]!, (p) => p.rttMs.p99),
      ],
    }),
    chartCard('Snapshot gaps', 'Time between two snapshots arriving at a bot. Flat at the tick interval is perfect.', {
      unit: 'ms',
      band,
      scaleFromX,
      refs: interval ? [{ y: interval, label: `tick interval ${fmt(interval)} ms`, color: '#64748b' }] : [],
      series: [
        series(tl, 'p50', COLORS[0]!, (p) => p.snapshotGapMs.p50),
        series(tl, 'p99', COLORS[1]!, (p) => p.snapshotGapMs.p99),
        series(tl, 'max', COLORS[2]!, (p) => p.snapshotGapMs.max, { dashed: true }),
      ],
    }),
    chartCard('Bandwidth per bot', 'Bytes on the TCP socket under each WebSocket (all framing included), per connected bot.', {
      unit: 'B/s',
      band,
      scaleFromX,
      series: [
        series(tl, 'download', COLORS[0]!, (p) => p.downBytesPerBotPerSec, { area: true }),
        series(tl, 'upload', COLORS[1]!, (p) => p.upBytesPerBotPerSec),
      ],
    }),
    chartCard('Server tick time', 'Duration of one match tick (inputs, simulation, encode, broadcast) from each node’s /metrics.', {
      unit: 'ms',
      band,
      scaleFromX,
      yMaxAtLeast: 1,
      series: [...serverSeries((s) => s.tickMs.p50, 'p50'), ...serverSeries((s) => s.tickMs.p99, 'p99', 1).map((s) => ({ ...s, dashed: true }))],
    }),
    chartCard('CPU', 'Share of one core: each game node (from /metrics), the process running the bots, and the whole machine (all cores).', {
      unit: '%',
      band,
      scaleFromX,
      yMaxAtLeast: 10,
      series: [
        ...serverSeries((s) => s.cpuPercent, 'server'),
        series(tl, 'load generator', '#64748b', (p) => p.loadgenCpuPercent, { dashed: true }),
        series(tl, 'whole machine', '#cbd5e1', (p) => p.machineBusyPercent ?? null),
      ],
    }),
    chartCard('Input → acknowledgement', 'From sending an input to the first snapshot acknowledging it (bots that decode every snapshot).', {
      unit: 'ms',
      band,
      scaleFromX,
      yMaxAtLeast: interval ?? 10,
      refs: interval ? [{ y: interval, label: 'one tick', color: '#64748b' }] : [],
      series: [series(tl, 'p50', COLORS[0]!, (p) => p.inputToAckMs.p50), series(tl, 'p99', COLORS[1]!, (p) => p.inputToAckMs.p99)],
    }),
    chartCard('Stalls and garbage collection', 'Longest event-loop stall per second of each node and of the load generator, and server GC time per second.', {
      unit: 'ms',
      band,
      scaleFromX,
      yMaxAtLeast: 10,
      series: [
        ...serverSeries((s) => s.eventLoopLagMaxMs ?? null, 'server stall'),
        ...serverSeries((s) => s.gcMsPerSec ?? null, 'server GC ms/s', 3).map((s) => ({ ...s, dashed: true })),
        series(tl, 'load generator stall', '#64748b', (p) => p.loadgenEventLoopMaxMs ?? null),
      ],
    }),
    chartCard('Snapshot rate', 'Snapshots received per second by each bot in a match, averaged over the bots.', {
      unit: 'Hz',
      band,
      scaleFromX,
      yMin: 0,
      refs: r.tickRateHz ? [{ y: r.tickRateHz, label: `tick rate ${r.tickRateHz} Hz`, color: '#64748b' }] : [],
      series: [series(tl, 'per bot', COLORS[0]!, (p) => p.snapshotHz)],
    }),
    chartCard('Errors and disconnects', 'Per second: errors of any kind (see the table below), dropped connections, reconnections.', {
      unit: 'per s',
      band,
      yMaxAtLeast: 1,
      series: [
        series(tl, 'errors', COLORS[2]!, (p) => p.errors),
        series(tl, 'disconnects', COLORS[1]!, (p) => p.disconnects),
        series(tl, 'reconnects', COLORS[3]!, (p) => p.reconnects, { dashed: true }),
      ],
    }),
  ];

  const serverRows = r.server
    .map(
      (s) =>
        `<tr><td>${esc(s.nodeId ?? '–')}</td><td>${esc(s.url)}</td><td>${fmt(s.tickMs.p50, 2)}</td><td>${fmt(s.tickMs.p99, 2)}</td><td>${fmt(s.tickLatenessMs?.p99 ?? null, 2)}</td><td>${fmt(s.cpuPercent)}</td><td>${fmt(s.rssMB)}</td><td>${fmt(s.playersConnected ?? null, 0)}</td><td>${fmt(s.matchesActive ?? null, 0)}</td><td>${s.ticksSkipped ?? '–'}</td><td>${s.slowConsumerSkips ?? '–'}</td></tr>`,
    )
    .join('');
  const errorRows = Object.entries(r.errorsByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`)
    .join('');
  const notes = r.notes.map((n) => `<li>${esc(n)}</li>`).join('');
  const opts = r.options as Record<string, unknown>;
  const optionRows = Object.entries(opts)
    .filter(([k]) => k !== 'urls')
    .map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v === null ? '–' : String(v))}</dd></div>`)
    .join('');
  const title = r.label ? `${r.label}: ${r.bots} bots` : `${r.bots} bots`;
  const started = r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const invalid =
    r.valid === false
      ? `<section class="card invalid"><h3>Not a valid run: the load generator was the limit</h3><p>Its figures describe the generator, not the server; do not read them as a server result.</p><ul>${(r.invalidReasons ?? []).map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>`
      : '';
  const mode = `${r.options.light ? 'light' : 'full'} bots · behaviour ${String(r.options.behaviour)} · mode ${String(r.options.mode)} · ${String(r.options.wire)} wire`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Load test — ${esc(title)}</title>
<style>${CSS}</style></head>
<body><main>
<header class="top">
  <div>
    <div class="eyebrow">Arena load test</div>
    <h1>${esc(title)}</h1>
    <div class="meta">${esc(started)} · ${r.rampUpS} s ramp-up${r.warmupS ? ` + ${r.warmupS} s warm-up` : ''} + ${fmt(r.durationS)} s measured · ${esc(mode)} · seed ${esc(String(opts.seed))}</div>
    <div class="meta">${r.urls.map((u) => `<code>${esc(u)}</code>`).join(' ')}</div>
  </div>
  <div class="verdict ${r.valid !== false && r.errors === 0 && r.connected === r.bots ? 'good' : 'bad'}">${r.valid === false ? 'Not valid: generator-bound' : r.errors === 0 && r.connected === r.bots ? 'Completed cleanly' : 'Completed with problems'}</div>
</header>
${invalid}<section class="kpis">${kpis.map(kpiCard).join('')}</section>
<section class="grid">${charts.join('')}</section>
<section class="card"><h3>Nodes</h3>
<table><thead><tr><th>node</th><th>url</th><th>tick p50 ms</th><th>tick p99 ms</th><th>lateness p99 ms</th><th>cpu %</th><th>rss MB</th><th>players</th><th>matches</th><th>ticks skipped</th><th>slow-consumer skips</th></tr></thead><tbody>${serverRows}</tbody></table>
<p class="caption">Figures over the measured window, from the difference between two scrapes of each node’s <code>/metrics</code>. Tick percentiles are interpolated inside the histogram’s buckets. Load generator: ${fmt(r.loadgen.cpuPercent)} % of one core (${fmt(r.loadgen.usPerBotSecond ?? null, 0)} µs per bot-second), ${fmt(r.inputsPerBotSecond ?? null)} inputs per bot-second, tick scheduler late p99 ${fmt(r.loadgen.tickLateMs?.p99 ?? null)} ms, ${r.loadgen.rssMB} MB, ${r.loadgen.cores} core(s) available to it, event-loop delay p99 ${fmt(r.loadgen.eventLoopDelayMs.p99)} ms, max ${fmt(r.loadgen.eventLoopDelayMs.max)} ms, Node ${esc(r.loadgen.node)}. Machine: ${r.machine.cores} cores, ${fmt(r.machine.busyPercent)} % of one core busy, ${fmt(r.machine.otherPercent)} % neither the bots nor the nodes.</p>
</section>
<section class="two">
<div class="card"><h3>Errors by kind</h3>${errorRows ? `<table><tbody>${errorRows}</tbody></table>` : '<p class="ok">No errors.</p>'}${notes ? `<ul class="notes">${notes}</ul>` : ''}</div>
<div class="card"><h3>Run options</h3><dl class="options">${optionRows}</dl></div>
</section>
<footer>Generated by <code>npm run loadtest</code> · ${formatTick(r.inputs)} inputs sent, ${formatTick(r.snapshots)} snapshots received in the window · report schema ${esc(r.schema)}</footer>
</main></body></html>
`;
}

const CSS = `
:root{--bg:#f4f6f9;--card:#fff;--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--good:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1280px;margin:0 auto;padding:28px 28px 40px}
.top{display:flex;justify-content:space-between;align-items:flex-start;gap:24px;margin-bottom:20px}
.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:11px;color:var(--muted);font-weight:600}
h1{margin:2px 0 6px;font-size:26px;letter-spacing:-.01em}
h3{margin:0;font-size:14px;font-weight:600}
.meta{color:var(--muted);font-size:13px;margin-top:2px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef2f7;padding:1px 5px;border-radius:4px}
.verdict{padding:8px 14px;border-radius:999px;font-weight:600;font-size:13px;white-space:nowrap}
.verdict.good{background:#dcfce7;color:var(--good)}.verdict.bad{background:#fee2e2;color:var(--bad)}
.kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin-bottom:16px}
.kpi{background:var(--card);border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px rgba(15,23,42,.06);border-top:3px solid #cbd5e1}
.kpi.good{border-top-color:#22c55e}.kpi.bad{border-top-color:#ef4444}
.kpi-label{color:var(--muted);font-size:12px;font-weight:500}
.kpi-value{font-size:26px;font-weight:650;letter-spacing:-.02em;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi-value small{font-size:13px;font-weight:500;color:var(--muted);margin-left:2px}
.kpi-sub{color:var(--muted);font-size:12px;margin-top:2px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-bottom:16px}
.card{background:var(--card);border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.06)}
.chart-card header{display:flex;justify-content:space-between;align-items:baseline;gap:12px;margin-bottom:6px}
.legend{display:flex;flex-wrap:wrap;gap:10px;justify-content:flex-end;font-size:12px;color:var(--muted)}
.key i{display:inline-block;width:14px;height:3px;border-radius:2px;vertical-align:middle;margin-right:5px}
.caption{color:var(--muted);font-size:12px;margin:6px 0 0}
svg.chart{width:100%;height:auto;display:block}
svg .grid{stroke:#eef2f7;stroke-width:1}
svg .axis{stroke:#cbd5e1;stroke-width:1}
svg .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
svg .dashed{stroke-dasharray:5 4;stroke-width:1.5}
svg .area{opacity:.12;stroke:none}
svg .band{fill:#f1f5f9}
svg .band-label{fill:#94a3b8;font-size:11px}
svg .ref{stroke-dasharray:2 3;stroke-width:1}
svg .ref-label{font-size:10px;text-anchor:end;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .band-label{paint-order:stroke;stroke:#fff;stroke-width:3px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg .ytick{fill:#94a3b8;font-size:11px;text-anchor:end}
svg .xtick{fill:#94a3b8;font-size:11px;text-anchor:middle}
svg .unit{fill:#94a3b8;font-size:10px;text-anchor:start}
svg .empty{fill:#94a3b8;font-size:13px}
table{width:100%;border-collapse:collapse;font-size:13px;margin-top:8px;font-variant-numeric:tabular-nums}
th{text-align:left;color:var(--muted);font-weight:500;font-size:12px;border-bottom:1px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid #f1f5f9;padding:6px 8px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-top:16px;align-items:start}
.options{display:grid;grid-template-columns:repeat(3,1fr);gap:8px 16px;margin:10px 0 0}
.options dt{color:var(--muted);font-size:11px}.options dd{margin:0;font-size:13px;font-variant-numeric:tabular-nums}
.ok{color:var(--good);margin:8px 0 0}
.invalid{border-color:#dc2626;background:#fef2f2}.invalid h3{color:#b91c1c}
.notes{color:var(--muted);font-size:12px;padding-left:18px}
footer{color:var(--muted);font-size:12px;margin-top:20px;text-align:center}
@media (max-width:900px){.kpis{grid-template-columns:repeat(2,1fr)}.grid,.two{grid-template-columns:1fr}}
`;
