/**
 * Every image the match draws is made here at start-up, on canvases: nothing is downloaded.
 * Shapes are white or grey so one texture serves every player through its tint.
 */
import type Phaser from 'phaser';

export const Tex = {
  floor: 'floor',
  wall: 'wall',
  body: 'body',
  barrel: 'barrel',
  glow: 'glow',
  spark: 'spark',
  shadow: 'shadow',
  ring: 'ring',
  cyclesFloor: 'cycles-floor',
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
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function canvas(textures: Phaser.Textures.TextureManager, key: string, w: number, h: number, draw: (ctx: CanvasRenderingContext2D) => void): void {
  if (textures.exists(key)) return;
  const t = textures.createCanvas(key, w, h);
  if (!t) return;
  draw(t.getContext());
  t.refresh();
}

export function makeTextures(textures: Phaser.Textures.TextureManager): void {
  // Floor: dark plates with speckle and a faint seam, tiling every 100 px (the map's grid).
  canvas(textures, Tex.floor, 100, 100, (ctx) => {
    const rnd = seeded(7);
    ctx.fillStyle = '#1a2029';
    ctx.fillRect(0, 0, 100, 100);
    for (let i = 0; i < 260; i++) {
      const v = 22 + Math.floor(rnd() * 14);
      ctx.fillStyle = `rgba(${v + 10},${v + 16},${v + 26},${0.35 + rnd() * 0.4})`;
      ctx.fillRect(Math.floor(rnd() * 100), Math.floor(rnd() * 100), 1 + Math.floor(rnd() * 2), 1);
    }
    ctx.strokeStyle = 'rgba(70,84,104,0.55)';
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, 99, 99);
    ctx.fillStyle = 'rgba(90,110,140,0.5)';
    for (const [x, y] of [[4, 4], [96, 4], [4, 96], [96, 96]] as const) ctx.fillRect(x - 1, y - 1, 2, 2);
  });
  // Walls: riveted metal with a lit top edge.
  canvas(textures, Tex.wall, 40, 40, (ctx) => {
    const rnd = seeded(11);
    const g = ctx.createLinearGradient(0, 0, 0, 40);
    g.addColorStop(0, '#5d6b7e');
    g.addColorStop(1, '#3a4453');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 40, 40);
    for (let i = 0; i < 80; i++) {
      ctx.fillStyle = `rgba(0,0,0,${rnd() * 0.18})`;
      ctx.fillRect(Math.floor(rnd() * 40), Math.floor(rnd() * 40), 2, 1);
    }
    ctx.strokeStyle = 'rgba(0,0,0,0.45)';
    ctx.strokeRect(0.5, 0.5, 39, 39);
    ctx.fillStyle = 'rgba(200,215,235,0.55)';
    for (const [x, y] of [[5, 5], [35, 5], [5, 35], [35, 35]] as const) ctx.fillRect(x - 1, y - 1, 2, 2);
  });
  // A player's body: a shaded disc (white, tinted per slot) with a dark rim.
  canvas(textures, Tex.body, 40, 40, (ctx) => {
    const g = ctx.createRadialGradient(15, 13, 2, 20, 20, 19);
    g.addColorStop(0, '#ffffff');
    g.addColorStop(0.7, '#d0d0d0');
    g.addColorStop(1, '#8a8a8a');
    ctx.fillStyle = g;
    ctx.beginPath();
    ctx.arc(20, 20, 17, 0, Math.PI * 2);
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#2a2a2a';
    ctx.stroke();
  });
  canvas(textures, Tex.barrel, 22, 8, (ctx) => {
    ctx.fillStyle = '#e8e8e8';
    ctx.fillRect(0, 1, 22, 6);
    ctx.fillStyle = '#9a9a9a';
    ctx.fillRect(0, 5, 22, 2);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(18, 0, 4, 8);
  });
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
  canvas(textures, Tex.shadow, 44, 22, (ctx) => {
    const g = ctx.createRadialGradient(22, 11, 0, 22, 11, 20);
    g.addColorStop(0, 'rgba(0,0,0,0.55)');
    g.addColorStop(1, 'rgba(0,0,0,0)');
    ctx.fillStyle = g;
    ctx.scale(1, 0.5);
    ctx.fillRect(0, 0, 44, 44);
  });
  canvas(textures, Tex.ring, 56, 56, (ctx) => {
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 5]);
    ctx.beginPath();
    ctx.arc(28, 28, 25, 0, Math.PI * 2);
    ctx.stroke();
  });
  // Cycles: a neon grid, one cell per 6 px texel block, tiled under the arena.
  canvas(textures, Tex.cyclesFloor, 64, 64, (ctx) => {
    ctx.fillStyle = '#0b0f14';
    ctx.fillRect(0, 0, 64, 64);
    ctx.strokeStyle = 'rgba(40,70,110,0.55)';
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, 63, 63);
    ctx.strokeStyle = 'rgba(30,50,80,0.35)';
    ctx.beginPath();
    ctx.moveTo(32.5, 0);
    ctx.lineTo(32.5, 64);
    ctx.moveTo(0, 32.5);
    ctx.lineTo(64, 32.5);
    ctx.stroke();
  });
}
