/**
 * A replay on screen: the match's own scene under the match's HUD (clock, kill feed, scoreboard),
 * and the player's controls: Play / Pause, the speed (0.25× … 4×), the "Replay position" slider
 * (a seek starts at the nearest checkpoint and re-simulates from there; the marks are the
 * checkpoints), and which player to follow. Loading and a refused file are cards with a way back.
 */
import { useEffect } from 'react';
import { formatClock } from '../game/hud-model.ts';
import { REPLAY_SPEEDS } from '../app/replay-clock.ts';
import { uiActions } from '../state/store.ts';
import { useAppDispatch, useAppSelector, useController } from './context.ts';
import { FeedLine, MatchClock, Scoreboard } from './Hud.tsx';
import { gameName, modeLabel } from './labels.ts';

const matchClock = (tick: number, tickRate: number) => formatClock(Math.floor(tick / Math.max(1, tickRate)));

export function ReplayScreen() {
  const controller = useController();
  const dispatch = useAppDispatch();
  const replay = useAppSelector((s) => s.replay);
  const conn = useAppSelector((s) => s.connection);
  const scoreboard = useAppSelector((s) => s.ui.scoreboard);
  const viewer = controller.replay;

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const el = document.activeElement;
      if (el && (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'range' || el.tagName === 'TEXTAREA')) return;
      if (e.key === 'Tab') {
        e.preventDefault();
        if (!e.repeat) dispatch(uiActions.scoreboardShown(true));
      } else if (e.key === 'Escape') {
        viewer.close();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === 'Tab') dispatch(uiActions.scoreboardShown(false));
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      dispatch(uiActions.scoreboardShown(false));
    };
  }, [dispatch, viewer]);

  if (replay.status === 'loading' || replay.status === 'failed') {
    return (
      <div className="screen-center">
        <section className="card results replay-state" aria-label="Replay" aria-live="polite">
          {replay.status === 'loading' ? (
            <h2>Loading replay…</h2>
          ) : (
            <>
              <h2>This replay cannot be shown</h2>
              <p className="notice" role="alert">
                {replay.error?.message}
              </p>
              <p className="muted small">{replay.error?.code}</p>
            </>
          )}
          <div className="row center">
            <button className="secondary" onClick={() => viewer.close()}>
              Back to lobby
            </button>
          </div>
        </section>
      </div>
    );
  }
  const loaded = replay.loaded;
  if (!loaded) return null;
  const hud = replay.hud;
  return (
    <div className="hud replay" aria-label="Replay">
      <header className="topbar">
        <div className="tb-left">
          <strong>{gameName(conn.games, loaded.game)}</strong> · {modeLabel(conn.modes, loaded.mode)} <span className="tag">replay</span>
          {loaded.running && <span className="tag">recorded while running</span>}
        </div>
        <MatchClock hud={hud} />
        <div className="tb-right">
          <button className="secondary small" aria-pressed={scoreboard} onClick={() => dispatch(uiActions.scoreboardShown(!scoreboard))}>
            Scores
          </button>
          <button className="secondary small" onClick={() => viewer.close()}>
            Back to lobby
          </button>
        </div>
      </header>
      <ol className="feed" aria-label="Kill feed">
        {replay.feed.map((f) => (
          <li key={f.id} className={`${f.kind} ${f.mine ? 'mine' : ''}`}>
            <FeedLine f={f} />
          </li>
        ))}
      </ol>
      {scoreboard && hud && <Scoreboard hud={hud} />}
      <section className="replay-bar card" aria-label="Replay controls">
        <button className="primary small play-pause" onClick={() => (replay.playing ? viewer.pause() : viewer.play())}>
          {replay.playing ? 'Pause' : 'Play'}
        </button>
        <div className="replay-position">
          <input
            type="range"
            aria-label="Replay position"
            min={0}
            max={loaded.lastTick}
            step={1}
            value={replay.tick}
            list="replay-checkpoints"
            onChange={(e) => viewer.seek(Number(e.currentTarget.value))}
          />
          <datalist id="replay-checkpoints">
            {loaded.checkpoints.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <span className="replay-time" aria-label="Replay time">
            {matchClock(replay.tick, loaded.tickRate)} / {matchClock(loaded.lastTick, loaded.tickRate)}
          </span>
        </div>
        <div className="segmented speeds" role="radiogroup" aria-label="Speed">
          {REPLAY_SPEEDS.map((s) => (
            <button key={s} role="radio" aria-checked={replay.speed === s} className={`small ${replay.speed === s ? 'on' : 'secondary'}`} onClick={() => viewer.setSpeed(s)}>
              {s}×
            </button>
          ))}
        </div>
        <label className="follow">
          Follow{' '}
          <select aria-label="Follow" value={replay.follow ?? ''} onChange={(e) => viewer.follow(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}>
            <option value="">Whole map</option>
            {loaded.players.map((p) => (
              <option key={p.slot} value={p.slot}>
                {p.nickname}
                {p.bot && !p.nickname.toLowerCase().includes('bot') ? ' (bot)' : ''}
              </option>
            ))}
          </select>
        </label>
      </section>
    </div>
  );
}
