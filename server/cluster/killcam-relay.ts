/**
 * Killcams across nodes. A victim whose connection is on another node than its match's owner
 * asks its own node, which asks the owner over the node bus (`killcam`, bus-messages.ts) and
 * hands the victim what the owner's node would have: the file, or the owner's refusal. The bus
 * carries JSON, so the file crosses it in base64 (a third more of 10-15 KB, once per death),
 * bounded on both sides (KILLCAM_RELAY_MAX_BYTES).
 *
 * When the owner gives no killcam, the victim is told why:
 * - the owner's own refusal, unchanged (KILLCAM_NOT_FOUND, NOT_ALLOWED, RATE_LIMITED…);
 * - CLUSTER_UNAVAILABLE when the owner does not answer within the bus's request timeout, or
 *   cannot be reached;
 * - KILLCAM_UNAVAILABLE when it answers something that is not a killcam (the bus refused the
 *   answer, which counts it in game_bus_refused_total and logs it as BUS_REFUSED) or an error.
 * Nothing here throws: every outcome is an answer for the victim.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { KillcamAnswer } from '../../shared/protocol/events.ts';
import type { Logger } from '../log.ts';
import { KILLCAM_RELAY_MAX_BYTES } from './bus-messages.ts';
import { BusRequestError, ClusterUnavailableError } from './node-bus.ts';

/** The owner's answer to a `killcam` request, from its match's answer. */
export function killcamReply(res: AckResult<KillcamAnswer>): AckResult<{ killcam: string }> {
  if (!res.ok) return res;
  if (res.killcam.length > KILLCAM_RELAY_MAX_BYTES) {
    return { ok: false, code: ErrorCode.KillcamUnavailable, message: `this killcam is ${res.killcam.length} bytes, over the ${KILLCAM_RELAY_MAX_BYTES} a node relays` };
  }
  return { ok: true, killcam: Buffer.from(res.killcam.buffer, res.killcam.byteOffset, res.killcam.byteLength).toString('base64') };
}

export interface KillcamRelayContext {
  owner: string;
  matchId: string;
  log: Logger;
}

/**
 * The victim's node: `ask` is the bus request to the owner (its reply already checked by the
 * bus); the answer is the file's bytes or a refusal for the victim.
 */
export async function relayKillcam(ask: () => Promise<AckResult<{ killcam: string }>>, ctx: KillcamRelayContext): Promise<Uint8Array | AckResult<never>> {
  let reply: AckResult<{ killcam: string }>;
  try {
    reply = await ask();
  } catch (error) {
    if (error instanceof ClusterUnavailableError) {
      return { ok: false, code: ErrorCode.ClusterUnavailable, message: `the node that runs this match gave no killcam in time: ${error.message}` };
    }
    const reason = error instanceof BusRequestError ? error.message : String(error);
    ctx.log.warn({ code: 'KILLCAM_RELAY_FAILED', owner: ctx.owner, matchId: ctx.matchId, reason: reason.slice(0, 200) }, 'killcam relay: the owner answered no killcam');
    return { ok: false, code: ErrorCode.KillcamUnavailable, message: 'the node that runs this match answered no usable killcam' };
  }
  if (!reply.ok) return reply;
  const bytes = Buffer.from(reply.killcam, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
