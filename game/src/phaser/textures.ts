/**
 * Every image a match draws is made at start-up, on canvases: nothing is downloaded. Shapes are
 * white or grey so one texture serves every player through its tint. Here: what every game's
 * scene may use (a glow, a spark, the slot colours) and the helpers; each game makes its own
 * images beside its scene (game/src/games/<id>/), under keys prefixed with its id.
 */
import type Phaser from 'phaser';

export const Tex = {
  glow: 'glow',
  spark: 'spark',
} as const;

/** One colour per slot, far apart in hue so 16 players stay distinguishable. */
export const SLOT_COLORS = [
  0x3fd0ff, 0xff5d73, 0x7dff6a, 0xffc93f, 0xc77dff, 0xff8f3f, 0x4fffd2, 0xf4f4f4,
  0x5b8cff, 0xff7ad9, 0xb8f35a, 0xffe07a, 0x9aa7ff, 0xff6a3d, 0x3fffa0, 0xd0b08a,
] as const;

export function slotColor(slot: number): number {
  return SLOT_COLORS[((slot % SLOT_COLORS.length) + SLOT_COLORS.length) % SLOT_COLORS.length]!;
}

/** A seeded generator so the floor looks the same on every load (no Math.random). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function canvas(textures: Phaser.Textures.TextureManager, key: string, w: number, h: number, draw: (ctx: CanvasRenderingContext2D) => void): void {
  if (textures.exists(key)) return;
  const t = textures.createCanvas(key, w, h);
  if (!t) return;
  draw(t.getContext());
  t.refresh();
}

/** The images every scene may use. */
export function makeTextures(textures: Phaser.Textures.TextureManager): void {
  canvas(textures, Tex.glow, 32, 32, (ctx) => {
    const g = ctx.createRadialGradient(16, 16, 0, 16, 16, 16);
    g.addColorStop(0, 'rgba(255,255,255,1)');
    g.addColorStop(0.35, 'rgba(255,255,255,0.55)');
    g.addColorStop(1, 'rgba(255,255,255,0)');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 32, 32);
  });
  canvas(textures, Tex.spark, 6, 6, (ctx) => {
    ctx.fillStyle = '#ffffff';
    ctx.beginPath();
    ctx.arc(3, 3, 3, 0, Math.PI * 2);
    ctx.fill();
  });
}
