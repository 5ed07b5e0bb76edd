/**
 * What the engine-level guard (server/net/engine-guard.ts) costs per engine.io packet: engine.io
 * emits 'packet' for every packet a connection receives; this times emitting 2M of them on a
 * connection with the guard's listener (budget never reached) against one without.
 *
 *   node --import tsx test/support/fuzz/engine-guard-cost.ts
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'socket.io';
import { wireParser } from '../../../shared/protocol/wire.ts';
import { installEngineGuard } from '../../../server/net/engine-guard.ts';
import { createMetrics } from '../../../server/metrics.ts';
import { createLogger } from '../../../server/log.ts';

const N = 2_000_000;

function conn(): EventEmitter & { id: string; write(): void; close(): void } {
  return Object.assign(new EventEmitter(), { id: 'c', write() {}, close() {} });
}

function time(c: EventEmitter): number {
  const packet = { type: 'message', data: 'x' };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) c.emit('packet', packet);
  return Number(process.hrtime.bigint() - t0) / N;
}

const engine = new EventEmitter();
const io = { engine, encoder: new wireParser.Encoder() } as unknown as Server;
installEngineGuard(io, { packetsPerSecond: 1e12, namespaces: ['/lobby', '/match'], metrics: createMetrics(), log: createLogger({ logLevel: 'silent', nodeId: 'bench' }) });
const guarded = conn();
engine.emit('connection', guarded);
const bare = conn();
// engine.io itself has listeners on 'packet' only when a test adds them; one no-op stands for "emit has a listener".
bare.on('packet', () => {});
for (let round = 0; round < 3; round++) {
  const g = time(guarded);
  const b = time(bare);
  console.log(`round ${round + 1}: guarded ${g.toFixed(1)} ns/packet, bare emit ${b.toFixed(1)} ns/packet, guard ${(g - b).toFixed(1)} ns/packet`);
}
