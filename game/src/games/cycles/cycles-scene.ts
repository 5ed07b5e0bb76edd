/**
 * Draws a Cycles match: the grid (a procedural texture), every trail in its slot's colour, glowing
 * heads, sparks when a cycle crashes, the round's state and countdowns; turns arrow keys / WASD
 * into absolute directions and Space into boost; on a phone a swipe turns to its direction, a tap
 * turns toward the tapped side of the own cycle, and a held BOOST button boosts. The scoreboard, clock and feed are the page's
 * HUD. The scene only reads snapshots through `CyclesView`, and answers `command()` when the
 * page's input loop asks (once per server tick): the connection, decoding and clock live with the
 * page's session. The grid is fitted to the window; the camera follows the own cycle only when
 * even 6 px cells do not fit.
 *
 * Heads are drawn between the two newest snapshots, one snapshot interval in the past, moved back
 * along the trail itself (trimTrail) so a head that turned between them follows the corner.
 */
import Phaser from 'phaser';
import { MatchPhase } from '../../../../shared/game/phase.ts';
import type { CyclePlayer, CyclesSetup, CyclesSnapshot } from '../../../../shared/games/cycles/index.ts';
import { Dir } from '../../../../shared/games/cycles/index.ts';
import { trailLength, trimTrail } from '../../../../shared/games/cycles/trail.ts';
import type { Heading } from '../../phaser/touch-gestures.ts';
import { headingOf } from '../../phaser/touch-gestures.ts';
import { TouchPad } from '../../phaser/touch-pad.ts';
import { OverlayProbe } from '../../phaser/overlay-insets.ts';
import { isTyping } from '../../phaser/typing.ts';
import { slotColor, Tex } from '../../phaser/textures.ts';
import { CyclesTex, makeCyclesTextures } from './cycles-textures.ts';
import type { GameScene } from '../../game/page-game.ts';

/** What the scene needs from the page. */
export interface CyclesView {
  /** The local player's slot; null for a spectator. */
  slot(): number | null;
  setup(): CyclesSetup | null;
  /** The newest decoded snapshot. */
  latest(): CyclesSnapshot | null;
  /** The one before it (for drawing between the two). */
  previous(): CyclesSnapshot | null;
  nickname(slot: number): string;
}

const COLORS = { wall: 0x3a4656, text: '#e6edf3' };
/** Smallest cell drawn (px); below it the camera follows the own cycle instead of shrinking. */
const MIN_CELL = 6;
/** How long a press keeps being sent on the tick grid: a turn must not be lost, nor linger into the next round. */
const TURN_RESEND_MS = 150;
const CRASH_FLASH_MS = 600;
const DIR_OF: Record<Heading, Dir> = { up: Dir.Up, right: Dir.Right, down: Dir.Down, left: Dir.Left };

interface Flash {
  x: number;
  y: number;
  color: number;
  startMs: number;
}

export class CyclesScene extends Phaser.Scene implements GameScene {
  private g!: Phaser.GameObjects.Graphics;
  private floor!: Phaser.GameObjects.TileSprite;
  private banner!: Phaser.GameObjects.Text;
  private sparks!: Phaser.GameObjects.Particles.ParticleEmitter;
  private heads: Phaser.GameObjects.Image[] = [];
  private keys!: Record<'up' | 'down' | 'left' | 'right' | 'w' | 'a' | 's' | 'd' | 'space', Phaser.Input.Keyboard.Key>;
  private cell = 15;
  private originX = 0;
  private originY = 0;
  private turn: { dir: Dir; untilMs: number } | null = null;
  /** The snapshot the events were last read from, and when it arrived (drives interpolation). */
  private seen: CyclesSnapshot | null = null;
  private seenAtMs = 0;
  private flashes: Flash[] = [];
  private roundMessage = '';
  private touch: TouchPad | null = null;
  /** The HUD's bands over the canvas: the grid is fitted, or followed, between them. */
  private overlay!: OverlayProbe;

  /** `key`: the scene's name in the game; a replay draws through a second instance on its own view. */
  constructor(
    private readonly view: CyclesView,
    key = 'cycles',
  ) {
    super(key);
  }

  create(): void {
    makeCyclesTextures(this.textures);
    this.heads = [];
    this.seen = null;
    this.flashes = [];
    this.floor = this.add.tileSprite(0, 0, 16, 16, CyclesTex.floor).setOrigin(0).setDepth(0);
    this.g = this.add.graphics().setDepth(1);
    const style = { fontFamily: 'system-ui, sans-serif', fontSize: '26px', fontStyle: 'bold', color: COLORS.text, stroke: '#000000', strokeThickness: 4 };
    this.banner = this.add.text(0, 0, '', { ...style, align: 'center' }).setOrigin(0.5).setDepth(11);
    this.sparks = this.add.particles(0, 0, Tex.spark, {
      emitting: false,
      lifespan: { min: 250, max: 600 },
      speed: { min: 60, max: 240 },
      scale: { start: 1.2, end: 0 },
      alpha: { start: 1, end: 0 },
      blendMode: 'ADD',
    }).setDepth(12);
    const kb = this.input.keyboard!;
    const K = Phaser.Input.Keyboard.KeyCodes;
    // No capture: the page's text fields must still get these keys (the chat box, say).
    const key = (code: number) => kb.addKey(code, false);
    this.keys = {
      up: key(K.UP),
      down: key(K.DOWN),
      left: key(K.LEFT),
      right: key(K.RIGHT),
      w: key(K.W),
      a: key(K.A),
      s: key(K.S),
      d: key(K.D),
      space: key(K.SPACE),
    };
    this.touch = new TouchPad(this, { stick: false, button: 'BOOST' });
    this.overlay = new OverlayProbe(this.sys.game.canvas, () => this.scale.gameSize);
  }

  override update(time: number, deltaMs: number): void {
    const setup = this.view.setup();
    if (!setup) return;
    this.layout(setup);
    this.readNews(time);
    this.readKeys(time);
    this.readTouch(time);
    this.draw(time, setup);
    this.touch?.draw();
  }

  /**
   * Fits the grid to the band between the HUD's top bar and, on a narrow page, the chat box below;
   * a window too small for 6 px cells keeps them at 6 px and the camera follows the own cycle,
   * centred in that band, its bounds reaching past the grid by the covered heights.
   */
  private layout(setup: CyclesSetup): void {
    const { width, height } = this.scale;
    this.overlay.poll(this.time.now);
    const insets = this.overlay.insets();
    const top = Math.max(64, insets.top + 12);
    const bottom = Math.max(24, insets.bottom + 8);
    const fit = Math.floor(Math.min((width - 40) / setup.width, (height - top - bottom) / setup.height));
    this.cell = Math.max(MIN_CELL, fit);
    const w = this.cell * setup.width;
    const h = this.cell * setup.height;
    this.originX = Math.max(20, Math.floor((width - w) / 2));
    this.originY = fit >= MIN_CELL ? Math.max(top, Math.floor(top + (height - top - bottom - h) / 2)) : top;
    this.floor.setPosition(this.originX, this.originY).setSize(w, h).setTileScale((this.cell * 6) / 64);
    const cam = this.cameras.main;
    const me = this.view.latest()?.players.find((p) => p.id === this.view.slot());
    if (fit < MIN_CELL && me && me.trail.length > 0) {
      cam.setBounds(0, 0, this.originX * 2 + w, this.originY + h + bottom);
      cam.centerOn(this.px(me.x), this.py(me.y) - (top - bottom) / 2);
    } else {
      cam.removeBounds();
      cam.setScroll(0, 0);
    }
    // In the visible band whether the grid is fitted or followed, and wrapped on a narrow page.
    const bannerY = cam.scrollY === 0 ? this.originY + Math.min(h, height - this.originY) * 0.18 : cam.scrollY + top + (height - top - bottom) * 0.18;
    this.banner.setPosition(cam.scrollX + width / 2, bannerY);
    const wrap = Math.max(120, width - 24);
    if (this.banner.style.wordWrapWidth !== wrap) this.banner.setWordWrapWidth(wrap);
  }

  /** A new snapshot: note when it came, and turn its events into flashes and messages. */
  private readNews(nowMs: number): void {
    const latest = this.view.latest();
    if (!latest || latest === this.seen) return;
    if (this.seen && latest.round !== this.seen.round) {
      this.roundMessage = '';
      this.turn = null; // a press from the last round must not turn the new spawn
    }
    this.seen = latest;
    this.seenAtMs = nowMs;
    for (const e of latest.events) {
      if (e.type === 'crash') {
        const p = latest.players.find((q) => q.id === e.victim);
        if (p) {
          this.flashes.push({ x: p.x, y: p.y, color: slotColor(p.id), startMs: nowMs });
          this.sparks.setParticleTint(slotColor(p.id));
          this.sparks.explode(28, this.px(p.x), this.py(p.y));
        }
      } else {
        this.roundMessage = e.winner === null ? 'Draw: nobody scores' : `${this.view.nickname(e.winner)} wins the round`;
      }
    }
  }

  /**
   * A press is kept for a moment (the input loop sends one command per tick, so a tap shorter
   * than a tick must still reach the server); boost is held, so it rides along every command.
   */
  private readKeys(nowMs: number): void {
    if (this.view.slot() === null || isTyping()) return;
    const k = this.keys;
    const JustDown = Phaser.Input.Keyboard.JustDown;
    let pressed: Dir | null = null;
    if (JustDown(k.up) || JustDown(k.w)) pressed = Dir.Up;
    if (JustDown(k.right) || JustDown(k.d)) pressed = Dir.Right;
    if (JustDown(k.down) || JustDown(k.s)) pressed = Dir.Down;
    if (JustDown(k.left) || JustDown(k.a)) pressed = Dir.Left;
    if (pressed !== null) this.turn = { dir: pressed, untilMs: nowMs + TURN_RESEND_MS };
  }

  /** Swipes and taps since the last frame, as presses (kept like a key press, see readKeys). */
  private readTouch(nowMs: number): void {
    const gestures = this.touch?.takeGestures() ?? [];
    const me = this.view.latest()?.players.find((p) => p.id === this.view.slot());
    if (this.view.slot() === null) return;
    for (const g of gestures) {
      let heading: Heading | null = null;
      if (g.kind === 'swipe') heading = g.heading;
      else if (me && me.alive) {
        // A tap turns toward where it landed, from the cycle's head as drawn (camera included).
        const cam = this.cameras.main;
        heading = headingOf(g.x + cam.scrollX - this.px(me.x), g.y + cam.scrollY - this.py(me.y), 1);
      }
      if (heading) this.turn = { dir: DIR_OF[heading], untilMs: nowMs + TURN_RESEND_MS };
    }
  }

  /** What the keys (or fingers) ask for now; the page's input loop reads it once per server tick. */
  command(): { dir: 0 | Dir; boost: boolean } | null {
    if (!this.keys || this.view.slot() === null) return null;
    if (this.turn && this.time.now > this.turn.untilMs) this.turn = null;
    const boost = (this.keys.space.isDown || this.touch?.buttonHeld === true) && !isTyping();
    return { dir: this.turn?.dir ?? 0, boost };
  }

  private draw(nowMs: number, setup: CyclesSetup): void {
    const g = this.g;
    const c = this.cell;
    g.clear();
    g.lineStyle(3, COLORS.wall).strokeRect(this.originX - 2, this.originY - 2, c * setup.width + 4, c * setup.height + 4);

    const latest = this.view.latest();
    if (!latest) {
      this.banner.setText('connecting…');
      return;
    }
    const previous = this.view.previous();
    const lag = this.lagCells(latest, previous, nowMs);
    let heads = 0;
    for (const p of latest.players) {
      const head = this.drawCycle(p, lag(p));
      if (!head) continue;
      let img = this.heads[heads];
      if (!img) {
        img = this.add.image(0, 0, Tex.glow).setBlendMode(Phaser.BlendModes.ADD).setDepth(5);
        this.heads.push(img);
      }
      img.setPosition(head.x, head.y).setTint(slotColor(p.id)).setScale((this.cell * (p.boosting ? 3.2 : 2.2)) / 32).setVisible(true);
      heads += 1;
    }
    for (let i = heads; i < this.heads.length; i++) this.heads[i]!.setVisible(false);
    this.drawFlashes(nowMs);
    this.drawEnergy(latest, setup);
    this.banner.setText(this.status(latest, setup));
  }

  /**
   * How far behind its newest position each head is drawn (cells): the time since the newest
   * snapshot arrived, as a fraction of the gap between the two newest, of the cells it moved.
   */
  private lagCells(latest: CyclesSnapshot, previous: CyclesSnapshot | null, nowMs: number): (p: CyclePlayer) => number {
    if (!previous || previous.round !== latest.round || latest.serverTime <= previous.serverTime) return () => 0;
    const t = Math.min(1, (nowMs - this.seenAtMs) / (latest.serverTime - previous.serverTime));
    const before = new Map(previous.players.map((p) => [p.id, p]));
    return (p) => {
      const b = before.get(p.id);
      if (!b || b.trail.length === 0) return 0;
      return Math.max(0, trailLength(p.trail) - trailLength(b.trail)) * (1 - t);
    };
  }

  /** Draws one trail and head; returns where the head is when it is alive (for its glow). */
  private drawCycle(p: CyclePlayer, lagCells: number): { x: number; y: number } | null {
    if (p.trail.length === 0) return null;
    const g = this.g;
    const color = slotColor(p.id);
    const trail = lagCells > 0 ? trimTrail(p.trail, lagCells) : p.trail;
    const alpha = p.present ? 1 : 0.4;
    const width = Math.max(2, Math.round(this.cell * 0.55));
    g.lineStyle(width, color, alpha);
    for (let i = 2; i + 1 < trail.length; i += 2) {
      g.lineBetween(this.px(trail[i - 2]!), this.py(trail[i - 1]!), this.px(trail[i]!), this.py(trail[i + 1]!));
    }
    // Square joints: butt-ended lines leave a notch on the outside of every corner.
    g.fillStyle(color, alpha);
    for (let i = 0; i + 1 < trail.length; i += 2) g.fillRect(this.px(trail[i]!) - width / 2, this.py(trail[i + 1]!) - width / 2, width, width);
    const hx = this.px(trail[trail.length - 2]!);
    const hy = this.py(trail[trail.length - 1]!);
    if (!p.alive) {
      g.fillStyle(0x000000, 0.6).fillCircle(hx, hy, this.cell * 0.45);
      return null;
    }
    g.fillStyle(color).fillCircle(hx, hy, this.cell * 0.6);
    g.fillStyle(0xffffff).fillCircle(hx, hy, this.cell * 0.25);
    if (p.id === this.view.slot()) g.lineStyle(2, 0xffffff, 0.9).strokeCircle(hx, hy, this.cell * 0.95);
    return { x: hx, y: hy };
  }

  private drawFlashes(nowMs: number): void {
    this.flashes = this.flashes.filter((f) => nowMs - f.startMs < CRASH_FLASH_MS);
    for (const f of this.flashes) {
      const k = (nowMs - f.startMs) / CRASH_FLASH_MS;
      this.g.lineStyle(3, f.color, 1 - k).strokeCircle(this.px(f.x), this.py(f.y), this.cell * (0.8 + 3 * k));
    }
  }

  /** The local player's boost tank, above the grid's left corner (the HUD's feed is on the right). */
  private drawEnergy(latest: CyclesSnapshot, setup: CyclesSetup): void {
    const me = latest.players.find((p) => p.id === this.view.slot());
    if (!me) return;
    const w = 200;
    const x = this.originX;
    const y = this.originY - 14;
    this.g.fillStyle(0x000000, 0.6).fillRect(x, y, w, 8);
    this.g.fillStyle(slotColor(me.id), me.boosting ? 1 : 0.7).fillRect(x, y, (w * me.energy) / setup.energyLevels, 8);
  }

  private status(s: CyclesSnapshot, setup: CyclesSetup): string {
    const seconds = (endTick: number) => Math.max(0, (endTick - s.tick) / setup.tickRate);
    if (s.phase === MatchPhase.Ended) return 'Match over';
    if (s.phase === MatchPhase.Waiting) return 'Waiting for players…';
    if (s.phase === MatchPhase.Countdown) return `Starting in ${Math.ceil(seconds(s.phaseEndTick))}`;
    if (s.roundState === 'wait') return 'Waiting for a rival…';
    if (s.roundState === 'pause') return `${this.roundMessage}${this.roundMessage ? ' · ' : ''}next round in ${seconds(s.roundEndTick).toFixed(1)} s`;
    const me = s.players.find((p) => p.id === this.view.slot());
    if (me && me.present && me.trail.length === 0) return 'You join at the next round';
    // The clock is the HUD's.
    return '';
  }

  /** Screen position of a cell's centre. */
  private px(x: number): number {
    return this.originX + (x + 0.5) * this.cell;
  }

  private py(y: number): number {
    return this.originY + (y + 0.5) * this.cell;
  }
}
