/**
 * Over the match while the player waits to respawn: whose view the killcam shows (the killer's,
 * as its screen was when it fired), a "Skip" button (Esc too), or why there is none. The scene
 * under it draws the killcam itself (app/killcam-player.ts).
 */
import { useEffect } from 'react';
import { useAppSelector, useController } from './context.ts';

export function KillcamOverlay() {
  const k = useAppSelector((s) => s.killcam);
  const controller = useController();
  const active = k.status !== 'off';
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') controller.killcam.skip();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, controller]);
  if (!active) return null;
  return (
    <section className={`killcam killcam-${k.status}`} aria-label="Killcam" data-killcam={k.status}>
      <span className="killcam-tag">Killcam</span>
      {k.status === 'loading' && <span className="killcam-text">Rewinding…</span>}
      {k.status === 'playing' && k.killer && (
        <span className="killcam-text">
          <b>{k.killer.nickname}</b>&rsquo;s view when they fired
          {k.rewindMs !== null && k.rewindMs > 0 && <span className="killcam-detail"> ({k.rewindMs} ms behind)</span>}
          {k.speed > 1 && <span className="killcam-detail"> · {k.speed.toFixed(1)}×</span>}
        </span>
      )}
      {k.status === 'failed' && k.error && (
        <span className="killcam-text" role="alert">
          No killcam: {k.error.message}
        </span>
      )}
      <button type="button" onClick={() => controller.killcam.skip()}>
        Skip
      </button>
    </section>
  );
}
