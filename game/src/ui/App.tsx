/** The screens over the canvas: one at a time, chosen by `selectScreen` (also `window.arena.screen`). */
import { lazy, Suspense } from 'react';
import { selectScreen, selectUnderlyingScreen } from '../state/store.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { useAppSelector } from './context.ts';
import { GameLoadBar } from './GameLoadBar.tsx';
import { Lobby } from './Lobby.tsx';
import { NetGraph } from './NetGraph.tsx';
import { QueueScreen } from './QueueScreen.tsx';
import { ReconnectOverlay } from './ReconnectOverlay.tsx';

/**
 * In the game chunk (match-screens.tsx), which the controller loads before any of these screens
 * can be shown; asked for here only once it has loaded (so this import cannot fail where the
 * load did not), and until then the load bar says how far it is.
 */
const MatchScreens = lazy(() => import('./match-screens.tsx').then((m) => ({ default: m.MatchScreens })));

export function App(props: { onLobbyInteractive: () => void }) {
  const screen = useAppSelector(selectScreen);
  // While reconnecting, the screen the player was on stays drawn under the overlay.
  const under = useAppSelector(selectUnderlyingScreen);
  const gameLoaded = useAppSelector((s) => s.ui.gameLoad.status === 'loaded');
  return (
    <div className={`ui screen-${screen}`} data-screen={screen}>
      {under === 'lobby' && <Lobby onInteractive={props.onLobbyInteractive} />}
      {under === 'queue' && <QueueScreen />}
      {gameLoaded && (under === 'match' || under === 'results' || under === 'replay') && (
        <Suspense fallback={null}>
          <MatchScreens under={under} />
        </Suspense>
      )}
      {screen === 'reconnecting' && <ReconnectOverlay />}
      <NetGraph />
      <GameLoadBar />
      <ConnectionBanner />
    </div>
  );
}
