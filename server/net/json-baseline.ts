/**
 * The plain-JSON baseline wire mode (WIRE_FORMAT=json): a debug and measurement mode, not a
 * production one. The server speaks socket.io's default parser and sends every snapshot as a
 * plain JSON event carrying the full `Snapshot` object (whole state, every tick, as a naive
 * server would), so the binary protocol's gain can be measured as a ratio against the same
 * game state in one run (`npm run loadtest -- --wire json`, BENCHMARKS.md "Load test").
 *
 * Clients must use the default parser too (socket.io-client's default). Inputs stay binary:
 * the default parser carries a Uint8Array as an attachment (a placeholder text frame, then the
 * binary frame), which the /match handlers accept unchanged.
 *
 * The mode is a property of the parser the server was built with: the fan-out asks the
 * server's encoder (`speaksJsonBaseline`), so nothing else has to carry a flag around.
 */
import type { Namespace } from 'socket.io';
import { Decoder, Encoder } from 'socket.io-parser';

/** socket.io's default encoder, under a name the fan-out can recognise. */
export class JsonBaselineEncoder extends Encoder {}

/** The `parser` option for socket.io's Server in the JSON baseline mode. */
export const jsonBaselineParser = { Encoder: JsonBaselineEncoder, Decoder };

/** True when the namespace's server was built with the JSON baseline parser. */
export function speaksJsonBaseline(nsp: Pick<Namespace, 'server'>): boolean {
  return nsp.server.encoder instanceof JsonBaselineEncoder;
}
