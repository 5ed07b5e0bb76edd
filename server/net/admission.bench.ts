/**
 * What admission costs per handshake: `node --import tsx server/net/admission.bench.ts`.
 * One allowRequest = the origin judgement (a listed origin and PUBLIC_URL besides the Host), an
 * X-Forwarded-For walk through two trusted hops, the per-address count and its reservation.
 * Prints microseconds per call over 200,000 handshakes from 65,536 addresses, three rounds (the
 * first includes JIT warm-up).
 */
import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { createMetrics } from '../metrics.ts';
import { createAdmission } from './admission.ts';
import { parseProxyTrust } from './client-address.ts';
import { createOriginPolicy } from './origin-policy.ts';

const trust = parseProxyTrust('loopback,10.0.0.0/8');
if (!trust.ok) throw new Error(trust.message);
const admission = createAdmission({
  origins: createOriginPolicy({ corsOrigins: { kind: 'list', origins: ['https://cdn.example'] }, publicUrl: 'https://play.example' }),
  trust: trust.value,
  maxPerAddress: 1_000_000,
  metrics: createMetrics(),
  log: pino({ level: 'silent' }),
});
const N = 200_000;
for (let round = 0; round < 3; round++) {
  // Fresh requests each round, as every handshake is (addresses are memoized per request).
  const reqs = Array.from({ length: N }, (_, i) => ({
    socket: { remoteAddress: '::ffff:127.0.0.1' },
    headers: { host: 'play.example', origin: 'https://play.example', 'x-forwarded-for': `203.0.${(i >> 8) & 255}.${i & 255}, 10.0.0.7` },
    url: '/socket.io/?EIO=4&transport=websocket',
  })) as unknown as IncomingMessage[];
  let admitted = 0;
  const t0 = process.hrtime.bigint();
  for (const r of reqs) admission.allowRequest(r, (_e, ok) => (admitted += ok ? 1 : 0));
  const us = Number(process.hrtime.bigint() - t0) / N / 1000;
  console.log(`round ${round + 1}: ${us.toFixed(2)} µs per allowRequest (${admitted} of ${N} admitted)`);
  // Lets the reservations of handshakes that never became connections lapse, as they would.
  await new Promise((r) => setImmediate(r));
}
