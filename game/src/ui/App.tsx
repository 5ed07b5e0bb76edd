/** The screens over the canvas: one at a time, chosen by `selectScreen` (also `window.arena.screen`). */
import { selectScreen, selectUnderlyingScreen } from '../state/store.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { useAppSelector } from './context.ts';
import { GameLoadBar } from './GameLoadBar.tsx';
import { Hud } from './Hud.tsx';
import { KillcamOverlay } from './KillcamOverlay.tsx';
import { Lobby } from './Lobby.tsx';
import { NetGraph } from './NetGraph.tsx';
import { QueueScreen } from './QueueScreen.tsx';
import { ReconnectOverlay } from './ReconnectOverlay.tsx';
import { ReplayScreen } from './ReplayScreen.tsx';
import { Results } from './Results.tsx';

export function App(props: { onLobbyInteractive: () => void }) {
  const screen = useAppSelector(selectScreen);
  // While reconnecting, the screen the player was on stays drawn under the overlay.
  const under = useAppSelector(selectUnderlyingScreen);
  return (
    <div className={`ui screen-${screen}`} data-screen={screen}>
      {under === 'lobby' && <Lobby onInteractive={props.onLobbyInteractive} />}
      {under === 'queue' && <QueueScreen />}
      {under === 'match' && <Hud />}
      {under === 'match' && <KillcamOverlay />}
      {under === 'results' && <Results />}
      {under === 'replay' && <ReplayScreen />}
      {screen === 'reconnecting' && <ReconnectOverlay />}
      <NetGraph />
      <GameLoadBar />
      <ConnectionBanner />
    </div>
  );
}
