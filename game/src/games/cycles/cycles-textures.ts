/** Cycles' image: the neon grid it is played on. */
import type Phaser from 'phaser';
import { canvas, makeTextures } from '../../phaser/textures.ts';

export const CyclesTex = {
  floor: 'cycles-floor',
} as const;

export function makeCyclesTextures(textures: Phaser.Textures.TextureManager): void {
  makeTextures(textures);
  // A neon grid, one cell per 6 px texel block, tiled under the field.
  canvas(textures, CyclesTex.floor, 64, 64, (ctx) => {
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
