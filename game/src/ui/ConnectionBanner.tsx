/** What is wrong with the connection, in words (every connect_error code has a sentence). */
import { useAppSelector, useController } from './context.ts';

export function ConnectionBanner() {
  const conn = useAppSelector((s) => s.connection);
  const controller = useController();
  if (!conn.notice || conn.status === 'reconnecting') return null;
  return (
    <div className={`banner ${conn.status === 'failed' ? 'error' : 'info'}`} role="alert">
      {conn.notice.message}
      {conn.status === 'failed' && conn.notice.code !== 'UNAVAILABLE' && (
        <button className="link" onClick={() => location.reload()}>
          Reload
        </button>
      )}
      {conn.status === 'failed' && conn.notice.code === 'UNAVAILABLE' && (
        <button className="link" onClick={() => void controller.link.retry()}>
          Retry now
        </button>
      )}
    </div>
  );
}
