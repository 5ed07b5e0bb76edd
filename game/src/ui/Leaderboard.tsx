/** The chosen mode's leaderboard: the best 100 by rating and the player's own rank. */
import { useEffect } from 'react';
import { useAppSelector, useController } from './context.ts';
import { modeLabel } from './labels.ts';

export function Leaderboard(props: { online: boolean }) {
  const controller = useController();
  const lobby = useAppSelector((s) => s.lobby);
  const conn = useAppSelector((s) => s.connection);
  const board = lobby.board?.mode === lobby.mode ? lobby.board : null;
  useEffect(() => {
    if (props.online) void controller.lobby.refreshBoard(lobby.mode);
  }, [props.online, lobby.mode]);
  const meShown = board?.top.some((r) => r.me) ?? false;
  return (
    <section className="card board" aria-label="Leaderboard">
      <h2 className="card-title">
        Leaderboard <span className="count">{modeLabel(conn.modes, lobby.mode)}</span>
      </h2>
      {board && board.top.length > 0 ? (
        <table className="board-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Player</th>
              <th>Rating</th>
            </tr>
          </thead>
          <tbody>
            {board.top.map((r) => (
              <tr key={`${r.rank}`} className={r.me ? 'me' : ''}>
                <td>{r.rank}</td>
                <td>{r.nickname}</td>
                <td>{r.rating}</td>
              </tr>
            ))}
            {board.me && !meShown && (
              <tr className="me">
                <td>{board.me.rank}</td>
                <td>{board.me.nickname}</td>
                <td>{board.me.rating}</td>
              </tr>
            )}
          </tbody>
        </table>
      ) : (
        <p className="muted empty">No rated matches in this mode yet. Quick play to get on the board.</p>
      )}
      {board && <p className="muted">{board.me ? `You rank ${board.me.rank} of ${board.players}.` : `${board.players} rated players.`}</p>}
    </section>
  );
}
