/**
 * Draws an Arena match: the floor and walls, each player (body tinted by slot, aim barrel, name,
 * health bar), projectiles with a glow, a white flash and sparks on a hit, a burst on a death, a
 * ghost with a respawn countdown, and a camera that follows the own player when the map is
 * bigger than the window (a spectator sees the whole map). The server's hit events give the
 * shooter a hit marker and a damage number over its target (a grey "blocked" when a wall took
 * the shot) and the target a red edge flash. The scene reads the match through its SceneSource and
 * turns keys and mouse into commands, or on a phone a virtual stick (move) and a finger that
 * aims and fires where it touches (drag to sweep, tap for one shot); netcode lives in the SDK.
 */
import Phaser from 'phaser';
import type { ArenaSetup } from '../../../../shared/games/arena/index.ts';
import type { RenderedPlayer } from '../../../../shared/games/arena/interpolation.ts';
import { Button, projectilePositionAt } from '../../../../shared/games/arena/sim/index.ts';
import type { ProjectileSnapshot, Snapshot } from '../../../../shared/games/arena/snapshot.ts';
import type { GameScene, SceneSource } from '../../game/page-game.ts';
import type { ArenaLocal } from './arena-local.ts';
import { TouchPad } from '../../phaser/touch-pad.ts';
import { stickDirections } from '../../phaser/touch-gestures.ts';
import { isTyping } from '../../phaser/typing.ts';
import { slotColor, Tex } from '../../phaser/textures.ts';
import { followOffsetY, OverlayProbe } from '../../phaser/overlay-insets.ts';
import { ArenaTex, makeArenaTextures } from './arena-textures.ts';

const HIT_FLASH_MS = 90;
const SHOT_COLOR = 0xffd866;

interface Avatar {
  shadow: Phaser.GameObjects.Image;
  body: Phaser.GameObjects.Image;
  barrel: Phaser.GameObjects.Image;
  name: Phaser.GameObjects.Text;
  hpBack: Phaser.GameObjects.Rectangle;
  hpFill: Phaser.GameObjects.Rectangle;
  timer: Phaser.GameObjects.Text;
  color: number;
  hp: number;
  alive: boolean;
  flashUntil: number;
  nickname: string;
}

export class ArenaScene extends Phaser.Scene implements GameScene {
  private keys!: Record<'W' | 'A' | 'S' | 'D' | 'UP' | 'DOWN' | 'LEFT' | 'RIGHT', Phaser.Input.Keyboard.Key>;
  private avatars = new Map<number, Avatar>();
  private shots: Phaser.GameObjects.Image[] = [];
  private seenShots = new Set<number>();
  /** Projectiles still to be drawn: from their first snapshot until the timeline passes their end. */
  private flying = new Map<number, { p: ProjectileSnapshot; goneAt: number | null }>();
  private shotsFrom: Snapshot | null = null;
  private sparks!: Phaser.GameObjects.Particles.ParticleEmitter;
  private burst!: Phaser.GameObjects.Particles.ParticleEmitter;
  private ring!: Phaser.GameObjects.Image;
  private respawn!: Phaser.GameObjects.Text;
  private world: Phaser.GameObjects.GameObject[] = [];
  private mapKey = '';
  private following: Phaser.GameObjects.Image | null = null;
  /** How the camera is placed now ('follow', or fitted at a zoom and size): changed only when it must. */
  private cameraMode = '';
  /** The HUD's bands over the canvas: the camera centres the player between them. */
  private overlay!: OverlayProbe;
  /** A left click since the last command: a click shorter than the gap between two samples still fires. */
  private firePressed = false;
  private touch: TouchPad | null = null;
  /** On a phone, the aim stays where the last finger put it (or along the stick) between touches. */
  private touchAim = 0;

  /** `key`: the scene's name in the game; a replay draws through a second instance on its own source. */
  constructor(
    private readonly source: SceneSource<ArenaSetup, Snapshot, ArenaLocal>,
    key = 'arena',
  ) {
    super(key);
  }

  create(): void {
    makeArenaTextures(this.textures);
    this.avatars.clear();
    this.shots = [];
    this.seenShots.clear();
    this.flying.clear();
    this.shotsFrom = null;
    this.world = [];
    this.mapKey = '';
    this.following = null;
    this.cameraMode = '';
    const kb = this.input.keyboard!;
    const K = Phaser.Input.Keyboard.KeyCodes;
    // No capture: the page's text fields must still get these keys (the chat box, say).
    const key = (code: number) => kb.addKey(code, false);
    this.keys = { W: key(K.W), A: key(K.A), S: key(K.S), D: key(K.D), UP: key(K.UP), DOWN: key(K.DOWN), LEFT: key(K.LEFT), RIGHT: key(K.RIGHT) };
    this.sparks = this.add.particles(0, 0, Tex.spark, {
      emitting: false,
      lifespan: { min: 180, max: 380 },
      speed: { min: 90, max: 260 },
      scale: { start: 1, end: 0 },
      alpha: { start: 1, end: 0 },
      blendMode: 'ADD',
      tint: [0xffffff, 0xffe08a, 0xffb347],
    }).setDepth(30);
    this.burst = this.add.particles(0, 0, Tex.glow, {
      emitting: false,
      lifespan: { min: 350, max: 750 },
      speed: { min: 40, max: 220 },
      scale: { start: 0.8, end: 0 },
      alpha: { start: 0.9, end: 0 },
      blendMode: 'ADD',
    }).setDepth(31);
    this.ring = this.add.image(0, 0, ArenaTex.ring).setDepth(9).setVisible(false);
    this.respawn = this.add
      .text(0, 0, '', { fontFamily: 'system-ui, sans-serif', fontSize: '30px', fontStyle: 'bold', color: '#ffffff', stroke: '#000000', strokeThickness: 5 })
      .setOrigin(0.5)
      .setScrollFactor(0)
      .setDepth(50);
    this.input.mouse?.disableContextMenu();
    this.firePressed = false;
    this.input.on(Phaser.Input.Events.POINTER_DOWN, (pointer: Phaser.Input.Pointer) => {
      // Fingers are the touch pad's: a thumb on the stick must not fire.
      if (pointer.button === 0 && !pointer.wasTouch) this.firePressed = true;
    });
    this.touch = new TouchPad(this, { stick: true });
    this.touchAim = 0;
    this.overlay = new OverlayProbe(this.sys.game.canvas, () => this.scale.gameSize);
    this.scale.on(Phaser.Scale.Events.RESIZE, () => this.placeCamera(false, true), this);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.scale.off(Phaser.Scale.Events.RESIZE, undefined, this));
  }

  /**
   * Where world point (x, y) is drawn, in the page's viewport (CSS px, as mouse events and test
   * drivers use them); null while the scene is not drawing. Camera follow, zoom and the canvas'
   * place on the page are all in it.
   */
  worldToScreen(x: number, y: number): { x: number; y: number } | null {
    const m = this.screenToWorldAffine();
    if (!m) return null;
    // Invert world = o + gx * a + gy * b (game px gx, gy) for the game point, then to the viewport.
    const det = m.a.x * m.b.y - m.a.y * m.b.x;
    if (det === 0) return null;
    const dx = x - m.o.x;
    const dy = y - m.o.y;
    const gx = (dx * m.b.y - dy * m.b.x) / det;
    const gy = (m.a.x * dy - m.a.y * dx) / det;
    return { x: m.rect.left + gx * m.cssPerGame.x, y: m.rect.top + gy * m.cssPerGame.y };
  }

  /** The world point drawn at viewport point (x, y) (CSS px); null while the scene is not drawing. */
  screenToWorld(x: number, y: number): { x: number; y: number } | null {
    const m = this.screenToWorldAffine();
    if (!m) return null;
    const gx = (x - m.rect.left) / m.cssPerGame.x;
    const gy = (y - m.rect.top) / m.cssPerGame.y;
    return { x: m.o.x + gx * m.a.x + gy * m.b.x, y: m.o.y + gx * m.a.y + gy * m.b.y };
  }

  /** The camera's game-px-to-world map as an affine (it is one: scroll, zoom, no rotation used). */
  private screenToWorldAffine() {
    if (!this.sys.isActive() || !this.cameras?.main) return null;
    const cam = this.cameras.main;
    const canvas = this.sys.game.canvas;
    const rect = canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return null;
    const o = cam.getWorldPoint(0, 0);
    const px = cam.getWorldPoint(1, 0);
    const py = cam.getWorldPoint(0, 1);
    return {
      o: { x: o.x, y: o.y },
      a: { x: px.x - o.x, y: px.y - o.y },
      b: { x: py.x - o.x, y: py.y - o.y },
      rect,
      cssPerGame: { x: rect.width / this.scale.width, y: rect.height / this.scale.height },
    };
  }

  /** What the keys and the mouse ask for now; the session's input loop reads it once per tick. */
  command(): { buttons: number; aim: number } | null {
    const info = this.source.info();
    if (!info || !this.keys || info.role !== 'player') return null;
    const latest = this.source.latest();
    const me = this.source.local()?.predictor?.position ?? latest?.players.find((p) => p.id === info.slot);
    if (this.touch?.used) return this.touchCommand(me);
    const pointer = this.input.activePointer;
    const world = this.cameras.main.getWorldPoint(pointer.x, pointer.y);
    const aim = me ? Math.atan2(world.y - me.y, world.x - me.x) : 0;
    const clicked = this.firePressed;
    this.firePressed = false;
    // Typing in the chat moves nobody.
    if (isTyping()) return { buttons: 0, aim };
    let buttons = this.keyButtons();
    if ((pointer.isDown && pointer.button === 0) || clicked) buttons |= Button.Fire;
    return { buttons, aim };
  }

  private keyButtons(): number {
    const k = this.keys;
    let buttons = 0;
    if (k.W.isDown || k.UP.isDown) buttons |= Button.Up;
    if (k.S.isDown || k.DOWN.isDown) buttons |= Button.Down;
    if (k.A.isDown || k.LEFT.isDown) buttons |= Button.Left;
    if (k.D.isDown || k.RIGHT.isDown) buttons |= Button.Right;
    return buttons;
  }

  /**
   * A phone: the stick moves (keys still count, for a tablet with a keyboard); a finger elsewhere
   * aims at what it touches and fires while it is down, and a press the input loop never saw down
   * (shorter than a tick, or a busy page's frame ran over it) still fires once. Without a finger on
   * the screen the aim stays, or follows the stick.
   */
  private touchCommand(me: { x: number; y: number } | undefined): { buttons: number; aim: number } {
    const pad = this.touch!;
    const taps = pad.takeGestures().filter((g) => g.kind === 'tap');
    const press = pad.takePress();
    if (isTyping()) return { buttons: 0, aim: this.touchAim };
    let buttons = this.keyButtons();
    const stick = pad.stick;
    if (stick) {
      const d = stickDirections(stick.dx, stick.dy);
      if (d.up) buttons |= Button.Up;
      if (d.down) buttons |= Button.Down;
      if (d.left) buttons |= Button.Left;
      if (d.right) buttons |= Button.Right;
    }
    const target = pad.action ?? taps.at(-1) ?? press;
    if (target && me) {
      const world = this.cameras.main.getWorldPoint(target.x, target.y);
      this.touchAim = Math.atan2(world.y - me.y, world.x - me.x);
    } else if (stick && buttons !== 0) {
      this.touchAim = Math.atan2(stick.dy, stick.dx);
    }
    if (pad.action || taps.length > 0 || press) buttons |= Button.Fire;
    return { buttons, aim: this.touchAim };
  }

  override update(time: number, deltaMs: number): void {
    const setup = this.source.setup();
    const local = this.source.local();
    if (!setup || !local) return;
    this.buildWorld(setup);
    const s = this.source.latest();
    if (!s) return;
    const view = local.rendered(deltaMs);
    this.drawShots(s, view.renderTick, setup);
    this.drawPlayers(view.players, setup, time);
    this.drawRespawn();
    this.drawFeedback();
    this.placeCamera();
    this.touch?.draw();
  }

  /** Marks for what the server confirmed since the last frame (the match's hit feedback). */
  private drawFeedback(): void {
    for (const f of this.source.local()?.feedback.take() ?? []) {
      if (f.kind === 'hurt') {
        this.cameras.main.flash(120, 160, 20, 20, true);
        continue;
      }
      if (f.kind === 'covered') continue;
      const target = this.avatars.get(f.victimId)?.body;
      if (!target || !target.visible) continue;
      const { x, y } = target;
      if (f.kind === 'hit') {
        const color = f.fatal ? 0xff5a4e : 0xffffff;
        const marker = this.add.graphics({ x, y }).setDepth(60);
        marker.lineStyle(3, color, 1);
        for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) marker.lineBetween(dx * 8, dy * 8, dx * 16, dy * 16);
        this.tweens.add({ targets: marker, alpha: 0, scale: 1.3, duration: 260, onComplete: () => marker.destroy() });
      }
      // A practice match (no damage) shows the marker alone: a "-0" would read as a miss.
      if (f.kind === 'hit' && f.damage === 0) continue;
      const text = f.kind === 'hit' ? `-${f.damage}` : 'blocked';
      const label = this.add
        .text(x + 14, y - 26, text, {
          fontFamily: 'system-ui, sans-serif',
          fontSize: f.kind === 'hit' ? '18px' : '13px',
          fontStyle: 'bold',
          color: f.kind === 'hit' ? (f.fatal ? '#ff5a4e' : '#ffe08a') : '#9aa4ae',
          stroke: '#000000',
          strokeThickness: 4,
        })
        .setOrigin(0.5)
        .setDepth(61);
      this.tweens.add({ targets: label, y: y - 56, alpha: 0, duration: 700, ease: 'Cubic.easeOut', onComplete: () => label.destroy() });
    }
  }

  /** Floor, walls and border: built once per map. */
  private buildWorld(setup: ArenaSetup): void {
    const { map } = setup;
    const key = `${map.width}x${map.height}:${map.walls.length}`;
    if (key === this.mapKey) return;
    for (const o of this.world) o.destroy();
    this.mapKey = key;
    const border = 24;
    const floor = this.add.tileSprite(0, 0, map.width, map.height, ArenaTex.floor).setOrigin(0).setDepth(0);
    const edge = this.add.graphics().setDepth(1);
    edge.fillStyle(0x07090c).fillRect(-border * 20, -border * 20, map.width + border * 40, border * 20);
    edge.fillRect(-border * 20, map.height, map.width + border * 40, border * 20);
    edge.fillRect(-border * 20, 0, border * 20, map.height);
    edge.fillRect(map.width, 0, border * 20, map.height);
    edge.lineStyle(4, 0x5d6b7e).strokeRect(-2, -2, map.width + 4, map.height + 4);
    this.world.push(floor, edge);
    for (const w of map.walls) {
      const shade = this.add.rectangle(w.x + 6, w.y + 8, w.w, w.h, 0x000000, 0.35).setOrigin(0).setDepth(2);
      const wall = this.add.tileSprite(w.x, w.y, w.w, w.h, ArenaTex.wall).setOrigin(0).setDepth(3);
      const lip = this.add.rectangle(w.x, w.y, w.w, 3, 0xb8c7da, 0.6).setOrigin(0).setDepth(4);
      this.world.push(shade, wall, lip);
    }
    this.placeCamera(true);
  }

  private avatar(id: number): Avatar {
    let a = this.avatars.get(id);
    if (a) return a;
    const color = slotColor(id);
    const nameStyle = { fontFamily: 'system-ui, sans-serif', fontSize: '13px', color: '#e6edf3', stroke: '#000000', strokeThickness: 3 };
    a = {
      shadow: this.add.image(0, 0, ArenaTex.shadow).setDepth(5),
      body: this.add.image(0, 0, ArenaTex.body).setDepth(10).setTint(color),
      barrel: this.add.image(0, 0, ArenaTex.barrel).setOrigin(0, 0.5).setDepth(11).setTint(color),
      name: this.add.text(0, 0, '', nameStyle).setOrigin(0.5, 1).setDepth(20),
      hpBack: this.add.rectangle(0, 0, 36, 5, 0x000000, 0.6).setOrigin(0, 0.5).setDepth(20),
      hpFill: this.add.rectangle(0, 0, 36, 5, 0x3fb950).setOrigin(0, 0.5).setDepth(21),
      timer: this.add.text(0, 0, '', { ...nameStyle, fontSize: '15px', color: '#ffd866' }).setOrigin(0.5).setDepth(20),
      color,
      hp: -1,
      alive: true,
      flashUntil: 0,
      nickname: '',
    };
    this.avatars.set(id, a);
    return a;
  }

  private drawPlayers(players: RenderedPlayer[], setup: ArenaSetup, time: number): void {
    const info = this.source.info()!;
    const { rules } = setup;
    const seen = new Set<number>();
    for (const p of players) {
      seen.add(p.id);
      const a = this.avatar(p.id);
      const me = info.role === 'player' && p.id === info.slot;
      const nickname = this.source.nickname(p.id);
      if (nickname !== a.nickname) {
        a.nickname = nickname;
        a.name.setText(nickname);
        a.name.setColor(me ? '#ffffff' : '#c9d1d9');
      }
      // News since the last frame: a hit (health went down), a death, a respawn.
      if (a.hp >= 0 && p.alive && p.hp < a.hp) {
        a.flashUntil = time + HIT_FLASH_MS;
        this.sparks.explode(10, p.x, p.y);
      }
      if (a.alive && !p.alive && a.hp >= 0) {
        this.burst.setParticleTint(a.color);
        this.burst.explode(26, p.x, p.y);
        this.sparks.explode(18, p.x, p.y);
      }
      a.hp = p.hp;
      a.alive = p.alive;
      const flash = time < a.flashUntil;
      a.body.setPosition(p.x, p.y).setAlpha(p.alive ? 1 : 0.22);
      if (flash) a.body.setTint(0xffffff).setTintMode(Phaser.TintModes.FILL);
      else a.body.setTint(p.alive ? a.color : 0x6e7681).setTintMode(Phaser.TintModes.MULTIPLY);
      a.shadow.setPosition(p.x + 3, p.y + rules.playerRadius - 2).setVisible(p.alive);
      a.barrel.setPosition(p.x, p.y).setRotation(p.aim).setVisible(p.alive);
      a.name.setPosition(p.x, p.y - rules.playerRadius - 12).setAlpha(p.alive ? 1 : 0.5);
      const hpW = (36 * Math.max(0, p.hp)) / rules.maxHp;
      const barY = p.y - rules.playerRadius - 6;
      a.hpBack.setPosition(p.x - 18, barY).setVisible(p.alive);
      a.hpFill
        .setPosition(p.x - 18, barY)
        .setSize(hpW, 5)
        .setFillStyle(p.hp > rules.maxHp * 0.5 ? 0x3fb950 : p.hp > rules.maxHp * 0.25 ? 0xe3b341 : 0xf85149)
        .setVisible(p.alive);
      const respawnMs = p.alive ? null : (this.source.local()?.respawnInMs(p.id) ?? null);
      a.timer.setPosition(p.x, p.y).setText(respawnMs === null ? '' : (respawnMs / 1000).toFixed(1)).setVisible(!p.alive);
      if (me) {
        this.ring.setPosition(p.x, p.y).setVisible(p.alive).setRotation(time / 900);
        if (this.following !== a.body) this.following = a.body;
      }
      for (const o of [a.body, a.barrel, a.name, a.hpBack, a.hpFill, a.timer, a.shadow]) if (!o.active) o.setActive(true);
      a.body.setVisible(true);
      a.name.setVisible(true);
    }
    for (const [id, a] of this.avatars) {
      if (seen.has(id)) continue;
      for (const o of [a.body, a.barrel, a.name, a.hpBack, a.hpFill, a.timer, a.shadow]) o.setVisible(false);
      a.hp = -1;
    }
  }

  /**
   * Projectiles are drawn on the same past timeline as the players (renderTick), but snapshots
   * drop a projectile the tick it hits something: one that hits a wall close by would be gone
   * from the newest snapshot before the timeline reaches its spawn, and never be seen. So each
   * projectile is remembered from its first snapshot until the timeline passes the tick it
   * disappeared at.
   */
  private drawShots(s: Snapshot, renderTick: number, setup: ArenaSetup): void {
    const { rules } = setup;
    const lifeTicks = rules.projectileLifetimeS * rules.tickRate;
    if (s !== this.shotsFrom) {
      this.shotsFrom = s;
      const live = new Set<number>();
      for (const p of s.projectiles) {
        live.add(p.id);
        if (!this.flying.has(p.id)) this.flying.set(p.id, { p, goneAt: null });
      }
      for (const [id, f] of this.flying) if (!live.has(id) && f.goneAt === null) f.goneAt = s.tick;
    }
    let n = 0;
    for (const [id, { p, goneAt }] of this.flying) {
      const age = renderTick - p.spawnTick;
      if (age > lifeTicks || (goneAt !== null && renderTick > goneAt)) {
        this.flying.delete(id);
        continue;
      }
      if (age < 0) continue;
      if (!this.seenShots.has(p.id)) {
        this.seenShots.add(p.id);
        this.sparks.explode(4, p.x0, p.y0); // muzzle flash
      }
      const pos = projectilePositionAt(p, renderTick, rules);
      let img = this.shots[n];
      if (!img) {
        img = this.add.image(0, 0, Tex.glow).setBlendMode(Phaser.BlendModes.ADD).setTint(SHOT_COLOR).setDepth(25).setScale(0.7);
        this.shots.push(img);
      }
      img.setPosition(pos.x, pos.y).setVisible(true);
      n += 1;
    }
    for (let i = n; i < this.shots.length; i++) this.shots[i]!.setVisible(false);
    if (this.seenShots.size > 512) for (const id of this.seenShots) if (!this.flying.has(id)) this.seenShots.delete(id);
  }

  private drawRespawn(): void {
    const slot = this.source.slot();
    const ms = slot !== null && this.source.info()?.role === 'player' ? (this.source.local()?.respawnInMs(slot) ?? null) : null;
    const cam = this.cameras.main;
    const { top, bottom } = this.overlay.insets();
    this.respawn.setPosition(cam.width / 2, top + (cam.height - top - bottom) * 0.3);
    this.respawn.setText(ms === null ? '' : ms > 0 ? `Eliminated · respawn in ${Math.ceil(ms / 1000)}` : 'Respawning…');
  }

  /**
   * A map larger than the visible band (the window less the HUD's top bar and, on a narrow page,
   * the chat box): follow the own player, centred in that band, with bounds that reach past the
   * map's edge by the covered heights so a player at a wall is never drawn under the HUD.
   * Otherwise (or for a spectator) the whole map, centred in the band and scaled to fit.
   */
  private placeCamera(force = false, resized = false): void {
    const info = this.source.info();
    const setup = this.source.setup();
    if (!info || !setup) return;
    const moved = this.overlay.poll(this.time.now, resized);
    const insets = this.overlay.insets();
    const { map } = setup;
    const cam = this.cameras.main;
    const { width, height } = this.scale;
    const visible = height - insets.top - insets.bottom;
    const fits = width >= map.width + 40 && visible >= map.height + 40;
    if (info.role === 'player' && !fits && this.following) {
      const entering = this.cameraMode !== 'follow';
      if (!entering && !force && !moved) return;
      this.cameraMode = 'follow';
      cam.setZoom(1);
      cam.setBounds(-40, -40 - insets.top, map.width + 80, map.height + 80 + insets.top + insets.bottom);
      const offsetY = followOffsetY(insets);
      cam.setFollowOffset(0, offsetY);
      if (!entering && !force) return; // the HUD changed height: the follow eases to the new place
      // On the player from the first frame (a new match, a killcam from the killer's seat). A live
      // match eases after the own player (its prediction's corrections stay off the camera); a
      // recording, often played faster than real time, keeps the followed player in the middle.
      cam.centerOn(this.following.x, this.following.y - offsetY);
      const lerp = this.source.replay ? 1 : 0.18;
      cam.startFollow(this.following, true, lerp, lerp, 0, offsetY);
      return;
    }
    const zoom = info.role === 'spectator' ? Math.min(1, width / (map.width + 60), Math.max(visible, height / 2) / (map.height + 60)) : 1;
    const mode = `fit:${zoom}:${width}x${height}:${insets.top}:${insets.bottom}`;
    if (this.cameraMode === mode && !force) return;
    this.cameraMode = mode;
    cam.stopFollow();
    cam.removeBounds();
    cam.setZoom(zoom);
    cam.centerOn(map.width / 2, map.height / 2 - followOffsetY(insets) / zoom);
  }
}
