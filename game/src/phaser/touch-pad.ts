/**
 * The fingers on a scene, for phones: a virtual stick where a thumb lands in the lower left
 * (a game may move with it), an optional held button in the lower right (a boost), and every
 * other finger as an "action" finger: where it is and whether it is down (a shooter aims and
 * fires there), and the taps and swipes it made (a game may turn by them). Mouse pointers are not its
 * business: the scenes keep their mouse code, and a desktop never sees the pad.
 *
 * Drawn only once a finger touched the scene, in screen space above everything else.
 */
import Phaser from 'phaser';
import { clampToStick, headingOf, STICK_RADIUS, SWIPE_MIN_PX, type Heading } from './touch-gestures.ts';

/** Fingers Phaser tracks at once: a stick, an action finger, and one spare. */
const TOUCH_POINTERS = 3;
/** A finger landing on the left of this share of the width, in the lower part, takes the stick. */
const STICK_ZONE_WIDTH = 0.45;
const STICK_ZONE_TOP = 0.35;
/** A finger down shorter than this, and travelling less than a swipe, is a tap. */
const TAP_MAX_MS = 300;
const BUTTON_RADIUS = 38;
const BUTTON_MARGIN = 28;

export interface TouchPadOptions {
  stick: boolean;
  /** A held button in the lower right, drawn with this label. */
  button?: string;
}

interface Finger {
  id: number;
  startX: number;
  startY: number;
  x: number;
  y: number;
  downAt: number;
  swiped: boolean;
}

export type Gesture = { kind: 'tap'; x: number; y: number } | { kind: 'swipe'; heading: Heading };

export class TouchPad {
  /** A finger has touched this scene: the scene reads the pad instead of the mouse. */
  used = false;
  private stickFinger: Finger | null = null;
  private actionFinger: Finger | null = null;
  private buttonFinger: number | null = null;
  private gestures: Gesture[] = [];
  /**
   * The last action finger that went down since `takePress`: a press the input loop never saw
   * down (on a busy page a frame can run between the finger's down and up, so the next sample
   * finds it up and, being held past TAP_MAX_MS in frame time, not a tap either) still counts once.
   */
  private pressed: Finger | null = null;
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly label: Phaser.GameObjects.Text | null;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly opts: TouchPadOptions,
  ) {
    const input = scene.input;
    // Phaser tracks one touch by default (pointersTotal counts touches; the mouse is apart); the
    // stick and an action finger need two at once.
    const missing = TOUCH_POINTERS - input.manager.pointersTotal;
    if (missing > 0) input.addPointer(missing);
    this.g = scene.add.graphics().setScrollFactor(0).setDepth(1000);
    this.label = opts.button
      ? scene.add
          .text(0, 0, opts.button, { fontFamily: 'system-ui, sans-serif', fontSize: '13px', fontStyle: 'bold', color: '#e6f7ff' })
          .setOrigin(0.5)
          .setScrollFactor(0)
          .setDepth(1001)
          .setVisible(false)
      : null;
    input.on(Phaser.Input.Events.POINTER_DOWN, this.down, this);
    input.on(Phaser.Input.Events.POINTER_MOVE, this.move, this);
    input.on(Phaser.Input.Events.POINTER_UP, this.up, this);
    input.on(Phaser.Input.Events.POINTER_UP_OUTSIDE, this.up, this);
    scene.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      input.off(Phaser.Input.Events.POINTER_DOWN, this.down, this);
      input.off(Phaser.Input.Events.POINTER_MOVE, this.move, this);
      input.off(Phaser.Input.Events.POINTER_UP, this.up, this);
      input.off(Phaser.Input.Events.POINTER_UP_OUTSIDE, this.up, this);
    });
  }

  /** True for a pointer this pad handles (a finger, not the mouse). */
  owns(pointer: Phaser.Input.Pointer): boolean {
    return pointer.wasTouch;
  }

  /** The knob's offset from the stick's centre (screen px), or null when no thumb is on it. */
  get stick(): { dx: number; dy: number } | null {
    const f = this.stickFinger;
    return f ? { dx: f.x - f.startX, dy: f.y - f.startY } : null;
  }

  /** The action finger's screen point while it is down. */
  get action(): { x: number; y: number } | null {
    const f = this.actionFinger;
    return f ? { x: f.x, y: f.y } : null;
  }

  get buttonHeld(): boolean {
    return this.buttonFinger !== null;
  }

  /** The screen point of an action finger that went down since the last call (once per press). */
  takePress(): { x: number; y: number } | null {
    const f = this.pressed;
    this.pressed = null;
    return f ? { x: f.x, y: f.y } : null;
  }

  /** Taps and swipes since the last call, oldest first. */
  takeGestures(): Gesture[] {
    const out = this.gestures;
    this.gestures = [];
    return out;
  }

  /** Draws the stick and the button; call once a frame. */
  draw(): void {
    const g = this.g.clear();
    if (!this.used) return;
    const { width, height } = this.scene.scale;
    if (this.opts.stick) {
      const f = this.stickFinger;
      const cx = f ? f.startX : 24 + STICK_RADIUS;
      const cy = f ? f.startY : height - 24 - STICK_RADIUS;
      const knob = f ? clampToStick(f.x - f.startX, f.y - f.startY) : { dx: 0, dy: 0 };
      g.fillStyle(0xffffff, f ? 0.1 : 0.05).fillCircle(cx, cy, STICK_RADIUS);
      g.lineStyle(2, 0xffffff, f ? 0.35 : 0.15).strokeCircle(cx, cy, STICK_RADIUS);
      g.fillStyle(0x59c9ff, f ? 0.6 : 0.25).fillCircle(cx + knob.dx, cy + knob.dy, STICK_RADIUS * 0.42);
    }
    if (this.opts.button && this.label) {
      const { x, y } = this.buttonCentre(width, height);
      g.fillStyle(0x59c9ff, this.buttonHeld ? 0.55 : 0.22).fillCircle(x, y, BUTTON_RADIUS);
      g.lineStyle(2, 0xe6f7ff, 0.5).strokeCircle(x, y, BUTTON_RADIUS);
      this.label.setPosition(x, y).setVisible(true);
    }
  }

  private buttonCentre(width: number, height: number): { x: number; y: number } {
    return { x: width - BUTTON_MARGIN - BUTTON_RADIUS, y: height - BUTTON_MARGIN - BUTTON_RADIUS };
  }

  private down(pointer: Phaser.Input.Pointer): void {
    if (!this.owns(pointer)) return;
    this.used = true;
    const { width, height } = this.scene.scale;
    const finger: Finger = { id: pointer.id, startX: pointer.x, startY: pointer.y, x: pointer.x, y: pointer.y, downAt: this.scene.time.now, swiped: false };
    if (this.opts.button) {
      const c = this.buttonCentre(width, height);
      if (Math.hypot(pointer.x - c.x, pointer.y - c.y) <= BUTTON_RADIUS + 8) {
        this.buttonFinger = pointer.id;
        return;
      }
    }
    if (this.opts.stick && !this.stickFinger && pointer.x < width * STICK_ZONE_WIDTH && pointer.y > height * STICK_ZONE_TOP) {
      this.stickFinger = finger;
      return;
    }
    this.actionFinger = finger;
    this.pressed = finger;
  }

  private move(pointer: Phaser.Input.Pointer): void {
    if (!this.owns(pointer)) return;
    const f = this.stickFinger?.id === pointer.id ? this.stickFinger : this.actionFinger?.id === pointer.id ? this.actionFinger : null;
    if (!f) return;
    f.x = pointer.x;
    f.y = pointer.y;
    // A swipe counts as soon as it is long enough: a turn should not wait for the finger to lift.
    if (f === this.actionFinger && !f.swiped) {
      const heading = headingOf(f.x - f.startX, f.y - f.startY, SWIPE_MIN_PX);
      if (heading) {
        f.swiped = true;
        this.gestures.push({ kind: 'swipe', heading });
      }
    }
  }

  private up(pointer: Phaser.Input.Pointer): void {
    if (!this.owns(pointer)) return;
    if (this.buttonFinger === pointer.id) this.buttonFinger = null;
    if (this.stickFinger?.id === pointer.id) this.stickFinger = null;
    const f = this.actionFinger;
    if (f?.id !== pointer.id) return;
    this.actionFinger = null;
    if (!f.swiped && this.scene.time.now - f.downAt <= TAP_MAX_MS) this.gestures.push({ kind: 'tap', x: f.x, y: f.y });
  }
}
