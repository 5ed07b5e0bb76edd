/** The end of a match: who won and why, the ranking with K/D (or rounds), Play again, Watch replay, Back to lobby. */
import { useEffect, useRef } from 'react';
import { kdRatio } from '../app/hud-model.ts';
import { useAppSelector, useController } from './context.ts';
import { gameName, modeLabel } from './labels.ts';

const REASONS: Record<string, string> = {
  kills: 'Kill target reached',
  time: 'Time is up',
  rounds: 'Rounds won',
  abandoned: 'Everyone else left',
};

export function Results() {
  const controller = useController();
  const results = useAppSelector((s) => s.match.results);
  const joined = useAppSelector((s) => s.match.joined);
  const conn = useAppSelector((s) => s.connection);
  const rating = useAppSelector((s) => s.lobby.rating);
  const again = useRef<HTMLButtonElement>(null);
  useEffect(() => again.current?.focus(), []);
  if (!results) return null;
  const arena = results.game === 'arena';
  const winner = results.standings.find((r) => r.slot === results.winnerSlot);
  const mySlot = joined?.role === 'player' ? joined.slot : null;
  const title = winner === undefined ? 'Draw' : winner.slot === mySlot ? 'Victory!' : `${winner.nickname} wins`;
  return (
    <div className="screen-center dim">
      <section className="card results" aria-label="Results">
        <p className="muted">
          {gameName(conn.games, results.game)}
          {joined ? ` · ${modeLabel(conn.modes, joined.mode)}` : ''} · {REASONS[results.reason] ?? results.reason}
        </p>
        <h2 className={winner && winner.slot === mySlot ? 'win' : ''}>{title}</h2>
        {rating && rating.matchId === results.matchId && (
          <p className="rating-line" aria-label="Rating change">
            Rating {rating.after}{' '}
            <span className={`rating-change ${rating.delta >= 0 ? 'up' : 'down'}`}>{rating.delta >= 0 ? `+${rating.delta}` : `${rating.delta}`}</span>
          </p>
        )}
        <table className="ranking">
          <thead>
            <tr>
              <th>#</th>
              <th>Player</th>
              {arena ? (
                <>
                  <th>Kills</th>
                  <th>Deaths</th>
                  <th>K/D</th>
                </>
              ) : (
                <th>Rounds</th>
              )}
            </tr>
          </thead>
          <tbody>
            {results.standings.map((r, i) => (
              <tr key={r.slot} className={r.slot === mySlot ? 'me' : ''}>
                <td>{i + 1}</td>
                <td>
                  {r.nickname}
                  {r.bot && !r.nickname.toLowerCase().includes('bot') && <span className="tag">bot</span>}
                </td>
                {arena ? (
                  <>
                    <td>{r.stats.kills ?? r.score}</td>
                    <td>{r.stats.deaths ?? 0}</td>
                    <td>{kdRatio(r.stats.kills ?? r.score, r.stats.deaths ?? 0)}</td>
                  </>
                ) : (
                  <td>{r.score}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row center">
          <button ref={again} className="primary" onClick={() => void controller.lobby.playAgain()}>
            Play again
          </button>
          {results.replayId && (
            <button
              className="secondary"
              onClick={async () => {
                const id = results.replayId!;
                // The seat is given up first: the replay plays in the page, off the match.
                await controller.match.leave();
                await controller.replay.open(id);
              }}
            >
              Watch replay
            </button>
          )}
          <button className="secondary" onClick={() => void controller.match.leave()}>
            Back to lobby
          </button>
        </div>
      </section>
    </div>
  );
}
