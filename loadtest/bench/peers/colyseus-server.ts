/**
 * Colyseus 0.18 running the scenario (scenario.ts) as its documentation writes a room: state in
 * a MapSchema of Player schemas, `setSimulationInterval(50)`, `patchRate = 50`, 16 clients a
 * room, rooms filtered by the bots' `roomIndex`, inputs as `input` messages.
 *
 *   node --import tsx loadtest/bench/peers/colyseus-server.ts --port P
 *
 * Prints `{"ready":true}` once listening; answers each `sample` line on stdin with its counters.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { requirePeer } from './peer-packages.ts';
import { applyCommand, ROOM_SIZE, spawnPlayer, stepPlayer, TICK_RATE, type ScenarioPlayer } from './scenario.ts';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: colyseus-server.ts --port P');
  process.exit(2);
}

const { Room, Server } = requirePeer('@colyseus/core');
const { WebSocketTransport } = requirePeer('@colyseus/ws-transport');
const { schema, t } = requirePeer('@colyseus/schema');

const Player = schema(
  {
    name: t.string(),
    x: t.float32(),
    y: t.float32(),
    angle: t.float32(),
    hp: t.uint8(),
    score: t.uint16(),
  },
  'Player',
);
const State = schema({ players: t.map(Player) }, 'State');

const counters = { inputs: 0, badInputs: 0, rooms: 0, clients: 0 };
const periodMs = 1000 / TICK_RATE;

interface Seat {
  sim: ScenarioPlayer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  view: any;
}

class ScenarioRoom extends Room {
  maxClients = ROOM_SIZE;
  patchRate = periodMs;
  state = new State();
  private readonly seats = new Map<string, Seat>();
  private readonly slots: boolean[] = [];

  messages = {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    input: (client: { sessionId: string }, message: any) => {
      const seat = this.seats.get(client.sessionId);
      if (!seat || typeof message !== 'object' || message === null || !applyCommand(seat.sim, { dx: message.dx, dy: message.dy, angle: message.angle, fire: message.fire === true })) {
        counters.badInputs++;
        return;
      }
      counters.inputs++;
    },
  };

  onCreate(): void {
    counters.rooms++;
    this.setSimulationInterval(() => this.step(), periodMs);
  }

  onJoin(client: { sessionId: string }, options: { name?: unknown }): void {
    let slot = 0;
    while (this.slots[slot]) slot++;
    this.slots[slot] = true;
    const sim = spawnPlayer(slot);
    const view = new Player();
    view.name = typeof options?.name === 'string' ? options.name.slice(0, 16) : `bot${slot}`;
    view.hp = sim.hp;
    this.seats.set(client.sessionId, { sim: Object.assign(sim, { slot }), view });
    this.state.players.set(client.sessionId, view);
    counters.clients++;
  }

  onLeave(client: { sessionId: string }): void {
    const seat = this.seats.get(client.sessionId);
    if (!seat) return;
    this.slots[(seat.sim as ScenarioPlayer & { slot: number }).slot] = false;
    this.seats.delete(client.sessionId);
    this.state.players.delete(client.sessionId);
    counters.clients--;
  }

  private step(): void {
    for (const { sim, view } of this.seats.values()) {
      stepPlayer(sim, TICK_RATE);
      view.x = sim.x;
      view.y = sim.y;
      view.angle = sim.angle;
      view.hp = sim.hp;
      view.score = sim.score;
    }
  }
}

const server = new Server({ transport: new WebSocketTransport(), greet: false });
server.define('scenario', ScenarioRoom).filterBy(['roomIndex']);
await server.listen(port, '127.0.0.1');
console.log(JSON.stringify({ ready: true, port, pid: process.pid }));

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'sample') console.log(JSON.stringify({ ...counters, rssMB: process.memoryUsage.rss() / 2 ** 20 }));
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
