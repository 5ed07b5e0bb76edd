/**
 * Which cells are taken, one byte per cell: 0 free, else the owner's slot + 1. Derived data: the
 * sim rebuilds it from the trails after a restore and the bot from a snapshot's trails, so it is
 * never checkpointed or sent. A typed array keeps a collision check one load per move.
 */
import { forEachTrailCell } from './trail.ts';

export class Occupancy {
  readonly cells: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.cells = new Uint8Array(width * height);
  }

  inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height;
  }

  /** Owner slot + 1 of an inside cell, 0 when free. */
  at(x: number, y: number): number {
    return this.cells[y * this.width + x]!;
  }

  /** Free and inside the walls. */
  free(x: number, y: number): boolean {
    return this.inside(x, y) && this.cells[y * this.width + x] === 0;
  }

  take(x: number, y: number, slot: number): void {
    this.cells[y * this.width + x] = slot + 1;
  }

  takeTrail(points: readonly number[], slot: number): void {
    forEachTrailCell(points, (x, y) => this.take(x, y, slot));
  }

  clear(): void {
    this.cells.fill(0);
  }
}
