/** Arena's images: its floor plates, riveted walls, a player's body, barrel and shadow, the own player's ring. */
import type Phaser from 'phaser';
import { canvas, makeTextures, seeded } from '../../phaser/textures.ts';

export const ArenaTex = {
  floor: 'arena-floor',
  wall: 'arena-wall',
  body: 'arena-body',
  barrel: 'arena-barrel',
  shadow: 'arena-shadow',
  ring: 'arena-ring',
} as const;

export function makeArenaTextures(textures: Phaser.Textures.TextureManager): void {
  makeTextures(textures);
  // Floor: dark plates with speckle and a faint seam, tiling every 100 px (the map's grid).
  canvas(textures, ArenaTex.floor, 100, 100, (ctx) => {
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
  canvas(textures, ArenaTex.wall, 40, 40, (ctx) => {
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
  canvas(textures, ArenaTex.body, 40, 40, (ctx) => {
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
  canvas(textures, ArenaTex.barrel, 22, 8, (ctx) => {
    ctx.fillStyle = '#e8e8e8';
    ctx.fillRect(0, 1, 22, 6);
    ctx.fillStyle = '#9a9a9a';
    ctx.fillRect(0, 5, 22, 2);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(18, 0, 4, 8);
  });
  canvas(textures, ArenaTex.shadow, 44, 22, (ctx) => {
    const g = ctx.createRadialGradient(22, 11, 0, 22, 11, 20);
    g.addColorStop(0, 'rgba(0,0,0,0.55)');
    g.addColorStop(1, 'rgba(0,0,0,0)');
    ctx.fillStyle = g;
    ctx.scale(1, 0.5);
    ctx.fillRect(0, 0, 44, 44);
  });
  canvas(textures, ArenaTex.ring, 56, 56, (ctx) => {
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 5]);
    ctx.beginPath();
    ctx.arc(28, 28, 25, 0, Math.PI * 2);
    ctx.stroke();
  });
}
