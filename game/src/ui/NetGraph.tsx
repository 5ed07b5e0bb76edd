/**
 * The net graph (F3 or the HUD's button): one sparkline per figure of NetStats (a minute, one
 * point a second) with its current value. It redraws itself once a second from the controller's
 * stats: the figures never go through the store.
 */
import { useEffect, useRef, useState } from 'react';
import { SERIES, SERIES_INFO, type SeriesKey } from '../app/net-stats.ts';
import { sparklineSegments } from '../app/sparkline.ts';
import { uiActions } from '../state/store.ts';
import { useAppDispatch, useAppSelector, useController } from './context.ts';

const W = 120;
const H = 26;

export function NetGraph() {
  const open = useAppSelector((s) => s.ui.netGraph);
  const dispatch = useAppDispatch();
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.key === 'F3') {
        e.preventDefault();
        dispatch(uiActions.netGraphToggled());
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [dispatch]);
  return open ? <NetGraphPanel /> : null;
}

function NetGraphPanel() {
  const controller = useController();
  const dispatch = useAppDispatch();
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  // The server's tick time comes down only while the graph is open.
  useEffect(() => {
    controller.feed.watch(true);
    return () => controller.feed.watch(false);
  }, [controller]);
  return (
    <section className="netgraph card" aria-label="Net graph">
      <h2 className="card-title">
        Net graph <span className="muted">F3</span>
        <button className="link" onClick={() => dispatch(uiActions.netGraphToggled())}>
          Close
        </button>
      </h2>
      <dl>
        {SERIES.map((k) => (
          <Row key={k} k={k} points={controller.stats.points(k)} latest={controller.stats.latest(k)} capacity={controller.stats.capacity} />
        ))}
      </dl>
      <NetSimControls />
    </section>
  );
}

interface NetSim {
  latencyMs: number;
  jitterMs: number;
}

/**
 * The server's network simulator, when the server runs with DEV_TOOLS (GET /api/dev/netsim
 * answers): latency and jitter added each way to every packet, changed live to try the netcode.
 * On a production server the route does not exist and nothing shows.
 */
function NetSimControls() {
  const controller = useController();
  const [sim, setSim] = useState<NetSim | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Asked only of a server that says it has the route: elsewhere it is a 404 in the console.
    void controller.link
      .devTools()
      .then((on) => (on ? fetch('/api/dev/netsim') : null))
      .then(async (r) => (r?.ok ? ((await r.json()) as NetSim) : null))
      .then((v) => live && setSim(v), () => undefined);
    return () => {
      live = false;
    };
  }, [controller]);
  if (!sim) return null;
  const apply = async (next: NetSim): Promise<void> => {
    setSim(next);
    const r = await fetch('/api/dev/netsim', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(next) }).catch(() => null);
    setError(r?.ok ? null : 'the server refused the setting (integers from 0 to 2000)');
  };
  const field = (key: keyof NetSim, label: string) => (
    <label className="ng-sim">
      {label}
      <input
        type="number"
        min={0}
        max={2000}
        step={10}
        value={sim[key]}
        aria-label={label}
        onChange={(e) => void apply({ ...sim, [key]: Math.max(0, Math.min(2000, Math.round(Number(e.target.value) || 0))) })}
      />
      ms
    </label>
  );
  return (
    <div className="ng-devtools" aria-label="Network simulator">
      <h3 className="card-title">Network simulator (each way, development)</h3>
      {field('latencyMs', 'Latency')}
      {field('jitterMs', 'Jitter')}
      {error && <p className="error">{error}</p>}
    </div>
  );
}

function Row(props: { k: SeriesKey; points: readonly number[]; latest: number | null; capacity: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const info = SERIES_INFO[props.k];
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = 'rgba(120,140,170,0.25)';
    ctx.strokeRect(0.5, 0.5, W - 1, H - 1);
    ctx.strokeStyle = props.k === 'snapshotGap' || props.k === 'corrections' ? '#f0883e' : '#3fd0ff';
    ctx.lineWidth = 1.5;
    for (const seg of sparklineSegments(props.points, W, H, props.capacity)) {
      ctx.beginPath();
      seg.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      if (seg.length === 1) ctx.lineTo(seg[0]![0] + 1, seg[0]![1]);
      ctx.stroke();
    }
  });
  const value = props.latest === null ? 'n/a' : `${props.latest.toFixed(info.digits)} ${info.unit}`;
  return (
    <div className="ng-row" data-series={props.k}>
      <dt>{info.label}</dt>
      <dd>
        <canvas ref={canvas} width={W} height={H} aria-hidden="true" />
        <span className="ng-value">{value}</span>
      </dd>
    </div>
  );
}
