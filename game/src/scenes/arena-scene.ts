/**
 * Draws an Arena match: the arena, players, projectiles, scoreboard. The scene only
 * reads state from the session and turns keys and mouse into inputs; netcode lives in
 * shared/client so bots and tests use the same code.
 */
import Phaser from 'phaser';
import { Button, projectilePositionAt } from '../../../shared/games/arena/sim/index.ts';
import type { ArenaSetup } from '../../../shared/games/arena/index.ts';
import type { Snapshot } from '../../../shared/games/arena/snapshot.ts';
import type { GameSession } from '../session.ts';

const COLORS = { floor: 0x1b2129, grid: 0x232a33, wall: 0x4b5563, me: 0x3fb950, other: 0xf0883e, dead: 0x6e7681, shot: 0xffd866 };

export class ArenaScene extends Phaser.Scene {
  private g!: Phaser.GameObjects.Graphics;
  private board!: Phaser.GameObjects.Text;
  private keys!: Record<'W' | 'A' | 'S' | 'D', Phaser.Input.Keyboard.Key>;

  constructor(private readonly session: GameSession) {
    super('arena');
  }

  create(): void {
    this.g = this.add.graphics();
    this.board = this.add.text(16, 12, '', { fontFamily: 'monospace', fontSize: '20px', color: '#e6edf3' }).setDepth(10);
    const kb = this.input.keyboard!;
    this.keys = { W: kb.addKey('W'), A: kb.addKey('A'), S: kb.addKey('S'), D: kb.addKey('D') };
  }

  override update(_time: number, deltaMs: number): void {
    this.draw(deltaMs);
  }

  /** What the keys and the mouse ask for now; the session's input loop reads it once per tick. */
  command(): { buttons: number; aim: number } | null {
    const info = this.session.info;
    if (!info || !this.keys) return null;
    const latest = this.session.latest as Snapshot | null;
    const me = this.session.predictor?.position ?? latest?.players.find((p) => p.id === info.slot);
    const pointer = this.input.activePointer;
    const world = this.cameras.main.getWorldPoint(pointer.x, pointer.y);
    let buttons = 0;
    if (this.keys.W.isDown) buttons |= Button.Up;
    if (this.keys.S.isDown) buttons |= Button.Down;
    if (this.keys.A.isDown) buttons |= Button.Left;
    if (this.keys.D.isDown) buttons |= Button.Right;
    if (pointer.isDown) buttons |= Button.Fire;
    const aim = me ? Math.atan2(world.y - me.y, world.x - me.x) : 0;
    return { buttons, aim };
  }

  private draw(frameMs: number): void {
    const g = this.g;
    const info = this.session.info;
    g.clear();
    if (!info) return;
    const { map, rules } = info.setup as ArenaSetup;
    g.fillStyle(COLORS.floor).fillRect(0, 0, map.width, map.height);
    g.lineStyle(1, COLORS.grid);
    for (let x = 100; x < map.width; x += 100) g.lineBetween(x, 0, x, map.height);
    for (let y = 100; y < map.height; y += 100) g.lineBetween(0, y, map.width, y);
    g.fillStyle(COLORS.wall);
    for (const w of map.walls) g.fillRect(w.x, w.y, w.w, w.h);
    const s = this.session.latest as Snapshot | null;
    if (!s) return;
    const view = this.session.rendered(frameMs);
    g.fillStyle(COLORS.shot);
    for (const p of s.projectiles) {
      const age = view.renderTick - p.spawnTick;
      if (age < 0 || age * (1000 / rules.tickRate) > rules.projectileLifetimeS * 1000) continue;
      const pos = projectilePositionAt(p, view.renderTick, rules);
      g.fillCircle(pos.x, pos.y, rules.projectileRadius);
    }
    for (const p of view.players) {
      const color = !p.alive ? COLORS.dead : p.id === info.slot ? COLORS.me : COLORS.other;
      g.fillStyle(color, p.alive ? 1 : 0.35).fillCircle(p.x, p.y, rules.playerRadius);
      if (!p.alive) continue;
      g.lineStyle(4, 0xffffff, 0.8).lineBetween(p.x, p.y, p.x + Math.cos(p.aim) * 26, p.y + Math.sin(p.aim) * 26);
      g.fillStyle(0x000000, 0.5).fillRect(p.x - 18, p.y - 28, 36, 5);
      g.fillStyle(0x3fb950).fillRect(p.x - 18, p.y - 28, (36 * p.hp) / rules.maxHp, 5);
    }
    const names = new Map(this.session.roster.map((r) => [r.slot, r.nickname]));
    const rows = [...s.players]
      .sort((a, b) => b.kills - a.kills || a.deaths - b.deaths)
      .slice(0, 8)
      .map((p) => `${p.id === info.slot ? '>' : ' '} ${(names.get(p.id) ?? `#${p.id}`).padEnd(16)} ${String(p.kills).padStart(3)} / ${p.deaths}`);
    this.board.setText([`tick ${s.tick}   kills / deaths`, ...rows]);
  }
}
