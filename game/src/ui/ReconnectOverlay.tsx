/** Shown whenever the connection dropped and socket.io is trying again: never a frozen screen. */
import { useAppSelector } from './context.ts';

export function ReconnectOverlay() {
  const attempt = useAppSelector((s) => s.connection.attempt);
  const notice = useAppSelector((s) => s.connection.notice);
  const inMatch = useAppSelector((s) => s.match.joined !== null);
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
