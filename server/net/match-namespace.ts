/**
 * The /match namespace: join a match, stream inputs up, clock sync. Every payload is checked
 * here before it reaches a match; a bad one gets its sender an error code, nobody else notices.
 */
import { decodeInput } from '../../shared/protocol/input-codec.ts';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { JoinRequest } from '../../shared/protocol/events.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { MatchRegistry } from '../match/match-registry.ts';
import { installPacketGuard, refuse } from './packet-guard.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';

export interface MatchNamespaceDeps {
  config: Config;
  registry: MatchRegistry;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  /** False while draining: no new matches or joins. */
  accepting: () => boolean;
}

const EVENTS = new Set(['join', 'leave', 'input', 'clock']);
const NICKNAME = /^[\p{L}\p{N} _.-]{1,16}$/u;

export function attachMatchNamespace(nsp: MatchNamespace, deps: MatchNamespaceDeps): void {
  let guestCounter = 0;
  nsp.on('connection', (socket: MatchSocket) => {
    socket.data.nickname = `guest-${++guestCounter}`;
    const { strike } = installPacketGuard(socket, {
      allowedEvents: EVENTS,
      packetsPerSecond: deps.config.packetsPerSecond,
      maxStrikes: 10,
      metrics: deps.metrics,
      log: deps.log,
    });
    const leaveMatch = (): void => {
      const { matchId } = socket.data;
      if (matchId !== undefined) deps.registry.get(matchId)?.removePlayer(socket.id);
      socket.data.matchId = undefined;
      socket.data.playerId = undefined;
    };

    socket.on('join', (req: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return strike({ code: ErrorCode.BadRequest, message: 'join needs an acknowledgement callback' });
      const reply = ack as (res: unknown) => void;
      const request = (req ?? {}) as JoinRequest;
      if (typeof request !== 'object' || (request.nickname !== undefined && typeof request.nickname !== 'string')) {
        return reply({ ok: false, code: ErrorCode.BadRequest, message: 'join takes { nickname?: string }' });
      }
      const nickname = request.nickname?.trim() ?? socket.data.nickname;
      if (!NICKNAME.test(nickname)) {
        return reply({ ok: false, code: ErrorCode.BadRequest, message: 'nickname: 1-16 letters, digits, space, _ . -' });
      }
      if (socket.data.matchId !== undefined) {
        return reply({ ok: false, code: ErrorCode.AlreadyInMatch, message: 'leave your match before joining another' });
      }
      if (!deps.accepting()) return reply({ ok: false, code: ErrorCode.ServerDraining, message: 'this node is shutting down' });
      const host = deps.registry.findOpen() ?? deps.registry.create();
      const playerId = host.addPlayer(socket.id, nickname);
      if (playerId === null) return reply({ ok: false, code: ErrorCode.MatchFull, message: 'no seat left, try again' });
      socket.data.nickname = nickname;
      socket.data.matchId = host.id;
      socket.data.playerId = playerId;
      const m = host.match;
      reply({
        ok: true,
        matchId: host.id,
        playerId,
        rules: m.world.rules,
        map: m.world.map,
        snapshotEvery: deps.config.snapshotEvery,
        roster: m.roster(),
      });
    });

    socket.on('leave', (ack: unknown) => {
      leaveMatch();
      if (typeof ack === 'function') ack({ ok: true });
    });

    socket.on('input', (bytes: unknown) => {
      if (!(bytes instanceof Uint8Array)) {
        return refuse(socket, { code: ErrorCode.BadInput, message: 'input must be binary' }, deps, true);
      }
      const decoded = decodeInput(bytes);
      if (!decoded.ok) {
        return refuse(socket, { code: ErrorCode.BadInput, message: `${decoded.code}: ${decoded.message}` }, deps, true);
      }
      const { matchId, playerId } = socket.data;
      const host = matchId === undefined ? undefined : deps.registry.get(matchId);
      if (!host || playerId === undefined) {
        return strike({ code: ErrorCode.NotInMatch, message: 'inputs are only accepted from a player in a match' });
      }
      const outcome = host.match.pushInput(playerId, decoded.value);
      if (outcome === 'overflow') deps.metrics.inputsDropped.inc({ reason: 'overflow' });
      else if (outcome === 'replayed') deps.metrics.inputsDropped.inc({ reason: 'replayed' });
    });

    socket.on('clock', (ack: unknown) => {
      if (typeof ack !== 'function') return strike({ code: ErrorCode.BadRequest, message: 'clock needs an acknowledgement callback' });
      (ack as (t: number) => void)(Math.round(deps.clock() * 1000) / 1000);
    });

    socket.on('disconnect', () => leaveMatch());
  });
}
