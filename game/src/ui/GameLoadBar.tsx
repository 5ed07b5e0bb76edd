/**
 * The game chunk (Phaser and the scenes) on its way: a thin bar along the top while the player is
 * in the lobby (it is fetched ahead of need), and a card with the percentage once a match waits
 * for it. If it could not be loaded, a sentence and a button to try again.
 */
import { selectScreen } from '../state/store.ts';
import { useAppSelector, useController } from './context.ts';

export function GameLoadBar() {
  const load = useAppSelector((s) => s.ui.gameLoad);
  const screen = useAppSelector(selectScreen);
  const controller = useController();
  if (load.status === 'failed') {
    return (
      <div className="banner error game-load-failed" role="alert">
        Couldn’t load the game: check the connection.{' '}
        <button className="link" onClick={() => void controller.match.retryGameLoad()}>
          Load the game again
        </button>
      </div>
    );
  }
  if (load.status !== 'loading') return null;
  const pct = load.total ? Math.min(100, Math.round((100 * load.loaded) / load.total)) : null;
  const waiting = screen === 'match' || screen === 'queue';
  const bar = (
    <div
      className="game-load-track"
      role="progressbar"
      aria-label="Loading the game"
      aria-valuemin={0}
      aria-valuemax={100}
      {...(pct !== null && { 'aria-valuenow': pct })}
    >
      <div className={`game-load-fill${pct === null ? ' indeterminate' : ''}`} style={{ width: `${pct ?? 30}%` }} />
    </div>
  );
  if (!waiting) return <div className="game-load quiet">{bar}</div>;
  return (
    <div className="game-load card">
      <p>Loading the game… {pct !== null && <span className="ng-value">{pct} %</span>}</p>
      {bar}
    </div>
  );
}
