/**
 * Shown whenever the connection dropped and socket.io is trying again: never a frozen screen.
 * Once every attempt the server's policy allows has failed, it says so and offers Retry.
 */
import { useAppSelector, useController } from './context.ts';

export function ReconnectOverlay() {
  const attempt = useAppSelector((s) => s.connection.attempt);
  const gaveUp = useAppSelector((s) => s.connection.gaveUp);
  const notice = useAppSelector((s) => s.connection.notice);
  const inMatch = useAppSelector((s) => s.match.joined !== null);
  const controller = useController();
  if (gaveUp) {
    return (
      <div className="overlay" role="alertdialog" aria-modal="true" aria-label="Couldn't reconnect">
        <div className="card reconnect">
          <h2 aria-live="assertive">Couldn’t reconnect</h2>
          <p className="muted">
            {inMatch ? 'The server kept your seat for a while: retry to take it back.' : 'Check the connection, then retry.'}
          </p>
          {/* The last attempt's notice ("…Retrying…") no longer holds: nothing is retrying now. */}
          <button className="primary" autoFocus onClick={() => void controller.link.reconnectAgain()}>
            Retry
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="overlay" role="alertdialog" aria-modal="true" aria-label="Reconnecting">
      <div className="card reconnect">
        <div className="spinner" aria-hidden="true" />
        <h2 aria-live="assertive">Reconnecting… (attempt {Math.max(1, attempt)})</h2>
        <p className="muted">{inMatch ? 'Your seat and score are kept while you are away.' : 'The lobby comes back by itself.'}</p>
        {notice && <p className="notice">{notice.message}</p>}
      </div>
    </div>
  );
}
