/**
 * A scripted Arena hunter for tests that need a kill on the standard map without a bot's
 * randomness: every spawn point is on a wall-free column (x = 100, 800 or 1500) and the rows
 * y = 300 and 700 cross the map wall-free, so the hunter goes to the nearer row, along it to the
 * prey's column, then up or down it, and fires once nothing stands between them.
 */
import type { ArenaInput } from '../../shared/games/arena/index.ts';
import { Button, firstWallHit } from '../../shared/games/arena/sim/index.ts';
import type { Rect } from '../../shared/games/arena/sim/types.ts';

interface At {
  x: number;
  y: number;
}

/** The buttons and aim of one tick of the hunt (the tick the input saw is the caller's). */
export function huntInput(me: At, prey: At, walls: readonly Rect[]): Pick<ArenaInput, 'buttons' | 'aim'> {
  const dx = prey.x - me.x;
  const dy = prey.y - me.y;
  const row = Math.abs(me.y - 300) < Math.abs(me.y - 700) ? 300 : 700;
  let buttons: number;
  if (firstWallHit(me, prey, walls, 4) === null && Math.hypot(dx, dy) < 500) buttons = Button.Fire;
  else if (Math.abs(dx) <= 6) buttons = toward(dy, Button.Up, Button.Down);
  else if (Math.abs(me.y - row) > 6) buttons = toward(row - me.y, Button.Up, Button.Down);
  else buttons = toward(dx, Button.Left, Button.Right);
  return { buttons, aim: Math.atan2(dy, dx) };
}

const toward = (d: number, minus: number, plus: number): number => (d > 6 ? plus : d < -6 ? minus : 0);
