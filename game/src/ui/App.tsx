/** The screens over the canvas: one at a time, chosen by `selectScreen` (also `window.arena.screen`). */
import { selectScreen } from '../state/store.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { useAppSelector } from './context.ts';
import { Hud } from './Hud.tsx';
import { Lobby } from './Lobby.tsx';
import { NetGraph } from './NetGraph.tsx';
import { QueueScreen } from './QueueScreen.tsx';
import { ReconnectOverlay } from './ReconnectOverlay.tsx';
import { Results } from './Results.tsx';

export function App(props: { onLobbyInteractive: () => void }) {
  const screen = useAppSelector(selectScreen);
  const inMatch = useAppSelector((s) => s.match.joined !== null);
  return (
    <div className={`ui screen-${screen}`} data-screen={screen}>
      {screen === 'lobby' && <Lobby onInteractive={props.onLobbyInteractive} />}
      {screen === 'queue' && <QueueScreen />}
      {(screen === 'match' || (screen === 'reconnecting' && inMatch)) && <Hud />}
      {screen === 'results' && <Results />}
      {screen === 'reconnecting' && <ReconnectOverlay />}
      <NetGraph />
      <ConnectionBanner />
    </div>
  );
}
