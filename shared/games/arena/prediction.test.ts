import { describe, expect, it } from 'vitest';
import type { Snapshot } from './snapshot.ts';
import { arenaMap, Button, defaultRules, movePlayer } from './sim/index.ts';
import { Predictor } from './prediction.ts';

const rules = defaultRules(20);
const map = arenaMap();

function snapshotOf(tick: number, me: { x: number; y: number }, lastInputSeq: number, alive = true): Snapshot {
  return {
    tick,
    serverTime: tick * 50,
    phase: 2,
    phaseEndTick: 0,
    players: [{ id: 0, x: me.x, y: me.y, vx: 0, vy: 0, aim: 0, hp: 100, alive, kills: 0, deaths: 0, lastInputSeq }],
    projectiles: [],
    events: [],
  };
}

/**
 * The server applies one input per tick after `latencyTicks` of travel and sends a snapshot
 * each tick, which the client sees `latencyTicks` later: a client with a 2 × latency round trip.
 */
function play(buttonsAt: (i: number) => number, ticks: number, latencyTicks: number) {
  const server = { x: 100, y: 500 };
  const predictor = new Predictor({ map, rules, playerId: 0 });
  const inFlight: { seq: number; buttons: number; arrives: number }[] = [];
  const snapshots: { snapshot: Snapshot; arrives: number }[] = [];
  let applied = 0;
  let lastButtons = 0;
  const drawn: { tick: number; predicted: { x: number; y: number } }[] = [];
  const history: { x: number; y: number }[] = [{ ...server }];
  predictor.reconcile(snapshotOf(0, server, 0));
  for (let tick = 1; tick <= ticks; tick++) {
    // Client: sends this tick's input and predicts it.
    const buttons = buttonsAt(tick);
    inFlight.push({ seq: tick, buttons, arrives: tick + latencyTicks });
    predictor.applyInput(tick, buttons);
    // Server: takes the input that has arrived (one per tick), steps, snapshots.
    const next = inFlight.find((i) => i.seq === applied + 1 && i.arrives <= tick);
    if (next) {
      applied = next.seq;
      lastButtons = next.buttons;
    }
    movePlayer(server, lastButtons, map, rules, tick);
    history.push({ ...server });
    snapshots.push({ snapshot: snapshotOf(tick, server, applied), arrives: tick + latencyTicks });
    // Client: reconciles with what arrived.
    for (const s of snapshots.filter((x) => x.arrives === tick)) predictor.reconcile(s.snapshot);
    drawn.push({ tick, predicted: { ...predictor.position! } });
  }
  return { predictor, server, drawn, history };
}

describe('Predictor', () => {
  it('predicts exactly where the server will put the player, a round trip ahead of it', () => {
    const latency = 3;
    const buttons = (i: number): number => (i <= 20 ? Button.Right : i <= 35 ? Button.Down | Button.Left : Button.Up);
    const { drawn, history } = play(buttons, 60, latency);
    // Input t reaches the server `latency` ticks later and is applied there: what the client
    // draws at tick t is where the server has the player at tick t + latency, to the 1/8 px.
    for (const d of drawn.filter((x) => x.tick >= 2 * latency && x.tick + latency <= 60)) {
      expect(d.predicted).toEqual(history[d.tick + latency]);
    }
  });

  it('shows a key press on the very next frame, a round trip before the server confirms it', () => {
    const { drawn } = play((i) => (i >= 10 ? Button.Right : 0), 20, 4);
    const before = drawn.find((d) => d.tick === 9)!.predicted.x;
    const after = drawn.find((d) => d.tick === 10)!.predicted.x;
    expect(after - before).toBeGreaterThan(rules.playerSpeed / rules.tickRate - 1);
  });

  it('keeps no visible error when the server agrees, and reports the replayed inputs', () => {
    const predictor = new Predictor({ map, rules, playerId: 0 });
    const server = { x: 400, y: 300 };
    predictor.reconcile(snapshotOf(10, server, 0));
    for (let seq = 1; seq <= 5; seq++) predictor.applyInput(seq, Button.Right);
    // The server applied inputs 1 and 2 at ticks 11 and 12.
    movePlayer(server, Button.Right, map, rules, 11);
    movePlayer(server, Button.Right, map, rules, 12);
    const r = predictor.reconcile(snapshotOf(12, server, 2));
    expect(r.replayed).toBe(3);
    expect(r.error).toBe(0);
    expect(predictor.renderPosition(16)).toEqual(predictor.position);
  });

  it('glides out a small correction and snaps a large one', () => {
    const predictor = new Predictor({ map, rules, playerId: 0 });
    predictor.reconcile(snapshotOf(1, { x: 400, y: 300 }, 0));
    const small = predictor.reconcile(snapshotOf(2, { x: 406, y: 300 }, 0));
    expect(small.snapped).toBe(false);
    expect(small.error).toBeCloseTo(6, 6);
    const first = predictor.renderPosition(16)!;
    expect(first.x).toBeGreaterThan(400);
    expect(first.x).toBeLessThan(406);
    let x = first.x;
    for (let i = 0; i < 30; i++) x = predictor.renderPosition(16)!.x;
    expect(x).toBe(406);
    const big = predictor.reconcile(snapshotOf(3, { x: 1200, y: 800 }, 0));
    expect(big.snapped).toBe(true);
    expect(predictor.renderPosition(16)).toEqual({ x: 1200, y: 800 });
  });

  it('does not move a dead player and forgets nothing it still has to replay', () => {
    const predictor = new Predictor({ map, rules, playerId: 0 });
    predictor.reconcile(snapshotOf(1, { x: 400, y: 300 }, 0, false));
    predictor.applyInput(1, Button.Right);
    expect(predictor.position).toEqual({ x: 400, y: 300 });
    expect(predictor.pendingCount).toBe(1);
  });
});
