/**
 * The screens of a match and of a replay: the HUD and the killcam over the drawing, the results,
 * the replay's controls. None of them is drawn before the game chunk (Phaser and the scenes) has
 * loaded, so they travel in it (game/vite.config.ts) instead of in the lobby's chunk, which a cold
 * load has to compile before the lobby can be used (~19 KB of code, ~6 KB gzip).
 */
import { Hud } from './Hud.tsx';
import { KillcamOverlay } from './KillcamOverlay.tsx';
import { ReplayScreen } from './ReplayScreen.tsx';
import { Results } from './Results.tsx';

export function MatchScreens(props: { under: 'match' | 'results' | 'replay' }) {
  switch (props.under) {
    case 'match':
      return (
        <>
          <Hud />
          <KillcamOverlay />
        </>
      );
    case 'results':
      return <Results />;
    case 'replay':
      return <ReplayScreen />;
  }
}
