/**
 * Draws a Cycles match: the grid, every trail in its slot's colour, heads, the scoreboard, the
 * round's state and countdowns; turns arrow keys / WASD into absolute directions and Space into
 * boost. The scene only reads snapshots through `CyclesView`, and answers `command()` when the
 * page's input loop asks (once per server tick): the connection, decoding and clock live with the
 * page's session.
 *
 * Heads are drawn between the two newest snapshots, one snapshot interval in the past, moved back
 * along the trail itself (trimTrail) so a head that turned between them follows the corner.
 */
import Phaser from 'phaser';
import { MatchPhase } from '../../../shared/game/phase.ts';
import type { CyclePlayer, CyclesSetup, CyclesSnapshot } from '../../../shared/games/cycles/index.ts';
import { Dir } from '../../../shared/games/cycles/index.ts';
import { trailLength, trimTrail } from '../../../shared/games/cycles/trail.ts';

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

/** Neon on dark, one per slot, far apart in hue so 8 trails stay distinguishable. */
const SLOT_COLORS = [0x3fd0ff, 0xff5d73, 0x7dff6a, 0xffc93f, 0xc77dff, 0xff8f3f, 0x4fffd2, 0xf4f4f4];
const COLORS = { floor: 0x0b0f14, grid: 0x141b24, wall: 0x3a4656, text: '#e6edf3', dim: '#8b949e' };
/** How long a press keeps being sent on the tick grid: a turn must not be lost, nor linger into the next round. */
const TURN_RESEND_MS = 150;
const CRASH_FLASH_MS = 600;

interface Flash {
  x: number;
  y: number;
  color: number;
  startMs: number;
}

export class CyclesScene extends Phaser.Scene {
  private g!: Phaser.GameObjects.Graphics;
  private board!: Phaser.GameObjects.Text;
  private banner!: Phaser.GameObjects.Text;
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

  constructor(private readonly view: CyclesView) {
    super('cycles');
  }

  create(): void {
    this.g = this.add.graphics();
    const style = { fontFamily: 'monospace', fontSize: '20px', color: COLORS.text };
    this.board = this.add.text(0, 0, '', { ...style, backgroundColor: '#0b0f14cc', padding: { x: 6, y: 4 } }).setDepth(10);
    this.banner = this.add.text(0, 0, '', { ...style, fontSize: '34px' }).setOrigin(0.5).setDepth(11);
    const kb = this.input.keyboard!;
    const K = Phaser.Input.Keyboard.KeyCodes;
    this.keys = {
      up: kb.addKey(K.UP),
      down: kb.addKey(K.DOWN),
      left: kb.addKey(K.LEFT),
      right: kb.addKey(K.RIGHT),
      w: kb.addKey(K.W),
      a: kb.addKey(K.A),
      s: kb.addKey(K.S),
      d: kb.addKey(K.D),
      space: kb.addKey(K.SPACE),
    };
  }

  override update(time: number, deltaMs: number): void {
    const setup = this.view.setup();
    if (!setup) return;
    this.layout(setup);
    this.readNews(time);
    this.readKeys(time);
    this.draw(time, setup);
  }

  /** Fits the arena to the canvas, leaving a strip on top for the status line. */
  private layout(setup: CyclesSetup): void {
    const { width, height } = this.scale;
    this.cell = Math.max(4, Math.floor(Math.min((width - 40) / setup.width, (height - 80) / setup.height)));
    this.originX = Math.floor((width - this.cell * setup.width) / 2);
    this.originY = height - 20 - this.cell * setup.height;
    this.board.setPosition(this.originX + 8, this.originY + 8);
    this.banner.setPosition(width / 2, this.originY / 2);
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
        if (p) this.flashes.push({ x: p.x, y: p.y, color: SLOT_COLORS[p.id]!, startMs: nowMs });
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
    if (this.view.slot() === null) return;
    const k = this.keys;
    const JustDown = Phaser.Input.Keyboard.JustDown;
    let pressed: Dir | null = null;
    if (JustDown(k.up) || JustDown(k.w)) pressed = Dir.Up;
    if (JustDown(k.right) || JustDown(k.d)) pressed = Dir.Right;
    if (JustDown(k.down) || JustDown(k.s)) pressed = Dir.Down;
    if (JustDown(k.left) || JustDown(k.a)) pressed = Dir.Left;
    if (pressed !== null) this.turn = { dir: pressed, untilMs: nowMs + TURN_RESEND_MS };
  }

  /** What the keys ask for now; the page's input loop reads it once per server tick. */
  command(): { dir: 0 | Dir; boost: boolean } | null {
    if (!this.keys || this.view.slot() === null) return null;
    if (this.turn && this.time.now > this.turn.untilMs) this.turn = null;
    return { dir: this.turn?.dir ?? 0, boost: this.keys.space.isDown };
  }

  private draw(nowMs: number, setup: CyclesSetup): void {
    const g = this.g;
    const c = this.cell;
    g.clear();
    g.fillStyle(COLORS.floor).fillRect(this.originX, this.originY, c * setup.width, c * setup.height);
    g.lineStyle(1, COLORS.grid);
    for (let x = 6; x < setup.width; x += 6) g.lineBetween(this.px(x) - c / 2, this.originY, this.px(x) - c / 2, this.originY + c * setup.height);
    for (let y = 6; y < setup.height; y += 6) g.lineBetween(this.originX, this.py(y) - c / 2, this.originX + c * setup.width, this.py(y) - c / 2);
    g.lineStyle(3, COLORS.wall).strokeRect(this.originX - 2, this.originY - 2, c * setup.width + 4, c * setup.height + 4);

    const latest = this.view.latest();
    if (!latest) {
      this.board.setText('');
      this.banner.setText('connecting…');
      return;
    }
    const previous = this.view.previous();
    const lag = this.lagCells(latest, previous, nowMs);
    for (const p of latest.players) this.drawCycle(p, lag(p));
    this.drawFlashes(nowMs);
    this.drawEnergy(latest, setup);
    this.board.setText(this.scoreboard(latest, setup));
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

  private drawCycle(p: CyclePlayer, lagCells: number): void {
    if (p.trail.length === 0) return;
    const g = this.g;
    const color = SLOT_COLORS[p.id % SLOT_COLORS.length]!;
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
      return;
    }
    if (p.boosting) g.fillStyle(color, 0.25).fillCircle(hx, hy, this.cell * 1.3);
    g.fillStyle(color).fillCircle(hx, hy, this.cell * 0.6);
    g.fillStyle(0xffffff).fillCircle(hx, hy, this.cell * 0.25);
    if (p.id === this.view.slot()) g.lineStyle(2, 0xffffff, 0.9).strokeCircle(hx, hy, this.cell * 0.95);
  }

  private drawFlashes(nowMs: number): void {
    this.flashes = this.flashes.filter((f) => nowMs - f.startMs < CRASH_FLASH_MS);
    for (const f of this.flashes) {
      const k = (nowMs - f.startMs) / CRASH_FLASH_MS;
      this.g.lineStyle(3, f.color, 1 - k).strokeCircle(this.px(f.x), this.py(f.y), this.cell * (0.8 + 3 * k));
    }
  }

  /** The local player's boost tank, under the status line. */
  private drawEnergy(latest: CyclesSnapshot, setup: CyclesSetup): void {
    const me = latest.players.find((p) => p.id === this.view.slot());
    if (!me) return;
    const w = 200;
    const x = this.originX + this.cell * setup.width - w;
    const y = this.originY - 18;
    this.g.fillStyle(0x000000, 0.6).fillRect(x, y, w, 8);
    this.g.fillStyle(SLOT_COLORS[me.id]!, me.boosting ? 1 : 0.7).fillRect(x, y, (w * me.energy) / setup.energyLevels, 8);
  }

  private scoreboard(s: CyclesSnapshot, setup: CyclesSetup): string[] {
    const rows = s.players
      .filter((p) => p.present)
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .map((p) => {
        const mark = p.id === this.view.slot() ? '>' : ' ';
        const state = p.alive ? ' ' : p.trail.length === 0 ? '…' : 'x';
        return `${mark}${state} ${this.view.nickname(p.id).slice(0, 14).padEnd(14)} ${p.score}`;
      });
    return [`round ${s.round} · first to ${setup.roundsToWin}`, ...rows];
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
    const clock = s.phaseEndTick > 0 ? seconds(s.phaseEndTick) : null;
    return clock === null ? '' : `${Math.floor(clock / 60)}:${String(Math.floor(clock % 60)).padStart(2, '0')}`;
  }

  /** Screen position of a cell's centre. */
  private px(x: number): number {
    return this.originX + (x + 0.5) * this.cell;
  }

  private py(y: number): number {
    return this.originY + (y + 0.5) * this.cell;
  }
}
