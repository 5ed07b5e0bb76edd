/** The end of a match: who won and why, the ranking with the game's own columns (kills, rounds…), Play again, Watch replay, Back to lobby. */
import { useEffect, useRef } from 'react';
import { useAppSelector, useController } from './context.ts';
import { gameName, modeLabel } from './labels.ts';

/** Why any match ends; a game adds its own reasons (its `words.endReasons`). */
const REASONS: Record<string, string> = {
  time: 'Time is up',
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
  // A game this page has no module for never reaches its results (match-flow.ts leaves it): the bare ranking by score then.
  const game = controller.games.get(results.game);
  const columns = game?.results ?? [{ header: 'Score', cell: (r: { score: number }) => String(r.score) }];
  const reason = game?.words.endReasons[results.reason] ?? REASONS[results.reason] ?? results.reason;
  const winner = results.standings.find((r) => r.slot === results.winnerSlot);
  const mySlot = joined?.role === 'player' ? joined.slot : null;
  const title = winner === undefined ? 'Draw' : winner.slot === mySlot ? 'Victory!' : `${winner.nickname} wins`;
  return (
    <div className="screen-center dim">
      <section className="card results" aria-label="Results">
        <p className="muted">
          {gameName(conn.games, results.game)}
          {joined ? ` · ${modeLabel(conn.modes, joined.mode)}` : ''} · {reason}
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
              {columns.map((c) => (
                <th key={c.header}>{c.header}</th>
              ))}
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
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(r)}</td>
                ))}
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
