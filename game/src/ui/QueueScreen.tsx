/**
 * Between the lobby and play: waiting in quick play (time waited, Cancel), a joined match that
 * waits for players (a private match shows its code and invite link; its creator may start it),
 * and the countdown.
 */
import { useEffect, useState } from 'react';
import { useAppSelector, useController } from './context.ts';
import { gameName, modeLabel } from './labels.ts';
import { clock } from './labels.ts';

function useNow(everyMs = 250): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function QueueScreen() {
  const controller = useController();
  const queue = useAppSelector((s) => s.lobby.queue);
  const match = useAppSelector((s) => s.match);
  const conn = useAppSelector((s) => s.connection);
  const notice = useAppSelector((s) => s.lobby.notice);
  const now = useNow();
  const joined = match.joined;

  if (!joined && queue) {
    return (
      <div className="screen-center">
        <section className="card queue" aria-label="Queue">
          <div className="spinner" aria-hidden="true" />
          <h2>Finding a match</h2>
          <p className="big-line">{modeLabel(conn.modes, queue.mode)}</p>
          <p className="muted" aria-live="polite">
            Waiting {clock(now - queue.since)} · {queue.waiting} in the queue when you joined
          </p>
          <p className="muted small">A match starts when enough players are waiting; bots may fill the empty seats.</p>
          <button onClick={() => void controller.lobby.cancelQueue()}>Cancel</button>
        </section>
      </div>
    );
  }
  if (!joined) return null;

  const countdown = match.phase === 'countdown';
  const seconds = match.hud?.clockS ?? null;
  const invite = joined.code ? `${location.origin}/?code=${joined.code}` : null;
  const spectator = joined.role === 'spectator';
  return (
    <div className="screen-center dim">
      <section className="card queue" aria-label={countdown ? 'Countdown' : 'Waiting for players'}>
        <p className="muted">
          {gameName(conn.games, joined.game)} · {modeLabel(conn.modes, joined.mode)} {joined.visibility === 'private' ? '· private' : ''}
        </p>
        {countdown ? (
          <>
            <h2>Get ready</h2>
            <p className="countdown" aria-live="assertive">
              {seconds ?? '…'}
            </p>
          </>
        ) : (
          <>
            <h2>Waiting for players</h2>
            {joined.code && (
              <div className="invite">
                <p>
                  Match code <strong className="code-big">{joined.code}</strong>
                </p>
                <label className="field">
                  Invite link
                  <div className="row">
                    <input readOnly value={invite ?? ''} onFocus={(e) => e.currentTarget.select()} />
                    <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(invite ?? '').catch(() => undefined)}>
                      Copy link
                    </button>
                  </div>
                </label>
              </div>
            )}
          </>
        )}
        <ul className="roster" aria-label="Players">
          {match.roster.map((p) => (
            <li key={p.slot} className={p.slot === joined.slot ? 'me' : ''}>
              {p.nickname}
              {p.bot ? <span className="tag">bot</span> : null}
              {!p.connected && !p.bot ? <span className="tag">joining…</span> : null}
            </li>
          ))}
        </ul>
        {!countdown && (
          <p className="muted">
            {match.roster.length}
            {joined.maxPlayers ? ` / ${joined.maxPlayers}` : ''} players
            {spectator ? ' · you are watching' : joined.host ? '' : ' · the match starts when it is full'}
          </p>
        )}
        {notice && (
          <p className="notice" role="alert">
            {notice.message}
          </p>
        )}
        <div className="row center">
          {joined.host && !countdown && (
            <button className="primary" onClick={() => void controller.match.start()} disabled={match.roster.length < 1}>
              Start now
            </button>
          )}
          <button className="secondary" onClick={() => void controller.match.leave()}>
            Cancel
          </button>
        </div>
      </section>
    </div>
  );
}
