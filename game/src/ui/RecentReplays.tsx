/**
 * The lobby's "Recent replays": the newest public matches' replays (finished ones, and running
 * ones up to now) from GET /api/replays, each with Watch. Asked once when the lobby shows and
 * again on Refresh: a list of the past needs no live updates.
 */
import { useCallback, useEffect, useState } from 'react';
import { formatClock } from '../game/hud-model.ts';
import type { ReplaySummary } from '../app/replay-viewer.ts';
import { useAppSelector, useController } from './context.ts';
import { gameName, modeLabel } from './labels.ts';

const SHOWN = 8;

export function RecentReplays() {
  const controller = useController();
  const conn = useAppSelector((s) => s.connection);
  const [rows, setRows] = useState<ReplaySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [off, setOff] = useState(false);
  const load = useCallback(async () => {
    const res = await controller.replay.list(SHOWN);
    if (res.ok) {
      setRows(res.replays);
      setError(null);
    } else {
      setError(res.message);
      setOff(res.off);
    }
  }, [controller]);
  useEffect(() => void load(), [load]);
  // A server that records nothing (REPLAYS=off) has no list to show.
  if (off) return null;

  return (
    <section className="card recent-replays" aria-label="Recent replays">
      <h2 className="card-title">
        Recent replays <span className="count">{rows?.length ?? 0}</span>
        <button className="link" onClick={() => void load()}>
          Refresh
        </button>
      </h2>
      {error && <p className="notice">Replays could not be listed: {error}</p>}
      <ul className="match-list">
        {(rows ?? []).map((r) => (
          <li key={r.replayId} className="match-row replay-row">
            <div className="match-what">
              <strong>{gameName(conn.games, r.game)}</strong> · {modeLabel(conn.modes, r.mode)}
              <div className="muted">
                {r.running ? <span className="state playing">running</span> : new Date(r.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} ·{' '}
                {formatClock(Math.floor(r.ticks / Math.max(1, r.tickRate)))} · {playerLine(r.players)}
              </div>
            </div>
            <div className="match-actions">
              <button className="secondary" onClick={() => void controller.replay.open(r.replayId)}>
                Watch
              </button>
            </div>
          </li>
        ))}
      </ul>
      {rows !== null && rows.length === 0 && !error && <p className="muted empty">No replays yet: every public match is recorded.</p>}
    </section>
  );
}

function playerLine(players: ReplaySummary['players']): string {
  const people = players.filter((p) => !p.bot).map((p) => p.nickname);
  const bots = players.length - people.length;
  const names = people.slice(0, 3).join(', ') + (people.length > 3 ? ` +${people.length - 3}` : '');
  return [names, bots > 0 ? `${bots} bot${bots === 1 ? '' : 's'}` : ''].filter(Boolean).join(' · ') || 'no players';
}
