/**
 * The /match namespace: take the seat the lobby reserved (or come back to it), spectate, stream
 * inputs up, clock sync, match chat. Every payload is checked here before it reaches a match; a
 * bad one gets its sender an error code, nobody else notices.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import { MATCH_CLIENT_EVENTS, type MatchInfo } from '../../shared/protocol/events.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { ChatGate } from '../lobby/chat.ts';
import type { DirectorySync } from '../lobby/directory-sync.ts';
import type { SeatStore } from '../lobby/stores/index.ts';
import type { DirectoryEntry } from '../lobby/stores/index.ts';
import type { InputPort, MatchHost } from '../match/match-host.ts';
import type { MatchRegistry } from '../match/match-registry.ts';
import { justMoved, matchRoom, watchServerTick } from './match-room.ts';
import { speaksWire } from './engine-direct.ts';
import { installInputFastPath } from './input-fast-path.ts';
import { installPacketGuard, refuse } from './packet-guard.ts';
import { chatMissedRequest, killcamRequest, netGraphRequest, objectPayload, optionalString, stringField } from './payload.ts';
import { requestRouter } from './requests.ts';
import type { RemoteSockets } from './remote-sockets.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';

/** In a cluster: where a match runs, and this node's connections to matches others own. */
export interface MatchRouting {
  nodeId: string;
  locate(matchId: string): Promise<DirectoryEntry | null>;
  remote: RemoteSockets;
  /** Asks the owner node something about its match (start). */
  ask(nodeId: string, body: { kind: 'start'; matchId: string | undefined; guestId: string }): Promise<AckResult>;
  /** Asks the owner node for this node's player's killcam (server/cluster/killcam-relay.ts): the file, or why not. */
  killcam(nodeId: string, body: { matchId: string; socketId: string; victim?: number; tick?: number }): Promise<Uint8Array | AckResult<never>>;
}

/** The settings this namespace reads (server/config.ts has them all). */
export interface MatchNamespaceConfig {
  packetsPerSecond: number;
}

export interface MatchNamespaceDeps {
  config: MatchNamespaceConfig;
  registry: MatchRegistry;
  /** Null on a single node: every match is local. */
  routing: MatchRouting | null;
  seats: SeatStore;
  sync: DirectorySync;
  chat: ChatGate;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
}

const EVENTS: ReadonlySet<string> = new Set(MATCH_CLIENT_EVENTS);
const MATCH_ID_MAX = 64;
const NO_ROUTE = { host: undefined, port: undefined };

export function attachMatchNamespace(nsp: MatchNamespace, deps: MatchNamespaceDeps): void {
  const fastInputs = speaksWire(nsp);
  nsp.on('connection', (socket: MatchSocket) => {
    const guest = socket.data.guest;
    const { strike, admit, charge } = installPacketGuard(socket, {
      allowedEvents: EVENTS,
      packetsPerSecond: deps.config.packetsPerSecond,
      maxStrikes: 10,
      metrics: deps.metrics,
      log: deps.log,
    });
    const on = requestRouter(socket, { metrics: deps.metrics, log: deps.log, strike });
    const hostOf = () => (socket.data.matchId === undefined ? undefined : deps.registry.get(socket.data.matchId));
    const remote = deps.routing?.remote ?? null;
    /**
     * The node that runs a match this node does not: null when it is here, or runs nowhere;
     * 'moving' when the directory still names this node but the match left it (handed over or
     * lost its lease) and its new owner has not listed it yet.
     */
    const ownerElsewhere = async (matchId: string): Promise<string | null | 'moving'> => {
      if (!deps.routing || deps.registry.get(matchId)) return null;
      const entry = await deps.routing.locate(matchId);
      if (!entry) return null;
      return entry.nodeId !== deps.routing.nodeId ? entry.nodeId : 'moving';
    };
    const moving: AckResult<never> = { ok: false, code: ErrorCode.ClusterUnavailable, message: 'the match is moving to another node: try again in a moment' };
    const alreadyIn: AckResult<never> = {
      ok: false,
      code: ErrorCode.AlreadyInMatch,
      message: 'this connection is already in a match: leave it first',
    };
    /**
     * In another match than `matchId` (or watching one). A player asking again for the match it
     * plays is answered as a rejoin: its first answer may have been lost, or two of its client's
     * triggers (a reconnect, a move) asked at once, and a refusal would tell it that it is out.
     */
    const busyElsewhere = (matchId: string | undefined): boolean =>
      socket.data.matchId !== undefined && (socket.data.role !== 'player' || (matchId !== undefined && matchId !== socket.data.matchId));

    /** A join's answer names the match's node in a cluster (MatchInfo.node: the front's route hint). */
    const withNode = (res: AckResult<MatchInfo>, node: string | null): AckResult<MatchInfo> =>
      res.ok && deps.routing ? { ...res, node: node ?? deps.routing.nodeId } : res;

    on('join', async (raw): Promise<AckResult<MatchInfo>> => {
      const req = objectPayload(raw, 'join');
      if (!req.ok) return req;
      const requested = optionalString(req.value, 'matchId', MATCH_ID_MAX);
      if (!requested.ok) return requested;
      if (busyElsewhere(requested.value)) return alreadyIn;
      // Without a match id: wherever this player holds its seat (the way back after a reload).
      const matchId = requested.value ?? socket.data.matchId ?? (await deps.seats.seatOf(guest.guestId));
      if (matchId === null) return { ok: false, code: ErrorCode.NoSeat, message: 'you hold no seat: get one from the lobby' };
      let owner = await ownerElsewhere(matchId);
      if (!socket.connected) return { ok: false, code: ErrorCode.NotInMatch, message: 'disconnected' };
      if (busyElsewhere(matchId)) return alreadyIn;
      // Any node serves any player: a match owned elsewhere is joined through this node.
      if (owner === 'moving') return moving;
      if (owner !== null && remote) {
        const res = await remote.attach(socket, owner, matchId, guest, 'player');
        if (res.ok || res.code !== ErrorCode.ClusterUnavailable || !socket.connected) return withNode(res, owner);
        // Its owner died and another node adopted the match while this one waited: join there,
        // rather than hand the player an error for a move it cannot see.
        const now = await ownerElsewhere(matchId);
        if (now === owner || now === 'moving' || busyElsewhere(matchId)) return res;
        owner = now;
        if (owner !== null) return withNode(await remote.attach(socket, owner, matchId, guest, 'player'), owner);
      }
      const host = deps.registry.get(matchId);
      if (!host) return { ok: false, code: ErrorCode.MatchNotFound, message: 'no such match is running' };
      // The host admits the socket through its events port (match-room.ts), which sets socket.data.
      return withNode(host.attach(socket.id, guest), null);
    });

    on('spectate', async (raw): Promise<AckResult<MatchInfo>> => {
      const req = objectPayload(raw, 'spectate');
      if (!req.ok) return req;
      const matchId = stringField(req.value, 'matchId', MATCH_ID_MAX);
      if (!matchId.ok) return matchId;
      if (socket.data.matchId !== undefined) return alreadyIn;
      const owner = await ownerElsewhere(matchId.value);
      if (owner === 'moving') return moving;
      if (owner !== null && remote) return withNode(await remote.attach(socket, owner, matchId.value, guest, 'spectator'), owner);
      const host = deps.registry.get(matchId.value);
      if (!host) return { ok: false, code: ErrorCode.MatchNotFound, message: 'no public match with this id is running' };
      return withNode(host.spectate(socket.id), null);
    });

    on('start', async () => {
      if (socket.data.role !== 'player') return { ok: false, code: ErrorCode.NotInMatch, message: 'join a match first' };
      const host = hostOf();
      if (host) return host.requestStart(guest.guestId);
      const owner = remote?.ownerOf(socket) ?? null;
      if (owner === null || !deps.routing) return { ok: false, code: ErrorCode.NotInMatch, message: 'join a match first' };
      return deps.routing.ask(owner, { kind: 'start', matchId: socket.data.matchId, guestId: guest.guestId });
    });

    on('chat', (raw) => {
      const req = objectPayload(raw, 'chat');
      if (!req.ok) return req;
      const matchId = socket.data.matchId;
      if (matchId === undefined) return { ok: false, code: ErrorCode.NotInMatch, message: 'join or spectate a match first' };
      const message = deps.chat.accept(guest, 'match', req.value.text);
      if (!message.ok) return { ok: false, code: message.code, message: message.message };
      // The room spans the nodes (adapter): players of the match on any node hear it.
      nsp.to(matchRoom(matchId)).emit('chat', deps.chat.log.append(matchRoom(matchId), message.value));
      return { ok: true, text: message.value.text };
    });

    // Back from a drop (after the rejoin): this match's lines after the last one this client saw.
    on('chat_missed', chatMissedRequest, ({ after }) => {
      const matchId = socket.data.matchId;
      if (matchId === undefined) return { ok: false, code: ErrorCode.NotInMatch, message: 'join or spectate a match first' };
      return { ok: true, ...deps.chat.log.missed(matchRoom(matchId), after) };
    });

    // After a death: the last seconds before it as the killer saw them, from the match's recording.
    // Outside the request router: the answer is binary (the acknowledgement's sole argument) or a
    // failure, not an AckResult object, and one at a time per connection is plenty.
    let killcamBusy = false;
    socket.on('killcam', (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return strike({ code: ErrorCode.BadRequest, message: 'killcam needs an acknowledgement callback' });
      const reply = ack as (res: Uint8Array | AckResult<never>) => void;
      const req = killcamRequest(args.length > 1 ? args[0] : undefined);
      if (!req.ok) return reply({ ok: false, code: ErrorCode.BadRequest, message: req.message });
      if (socket.data.role !== 'player') return reply({ ok: false, code: ErrorCode.NotInMatch, message: 'join a match first: killcams are for its players' });
      const host = hostOf();
      // A match another node owns: that node makes the killcam, this one relays it.
      const owner = host ? null : (remote?.ownerOf(socket) ?? null);
      const matchId = socket.data.matchId;
      if (!host && (owner === null || !deps.routing || matchId === undefined)) {
        return reply({ ok: false, code: ErrorCode.KillcamUnavailable, message: 'this match runs neither here nor on a node this one relays' });
      }
      if (killcamBusy) return reply({ ok: false, code: ErrorCode.RateLimited, message: 'one killcam at a time' });
      killcamBusy = true;
      const answer = host
        ? Promise.resolve(host.killcam(socket.id, req.value)).then((res) => (res.ok ? res.killcam : res))
        : deps.routing!.killcam(owner!, { matchId: matchId!, socketId: socket.id, ...req.value });
      void answer
        .then((res) => reply(res))
        .catch((error: unknown) => {
          deps.log.error({ socketId: socket.id, err: error }, 'killcam failed');
          reply({ ok: false, code: ErrorCode.Internal, message: 'internal error' });
        })
        .finally(() => (killcamBusy = false));
    });

    // The net graph opened or closed: the match's tick time once a second, or no more.
    on('net_graph', netGraphRequest, ({ on: wanted }) => {
      watchServerTick(socket, wanted);
      return { ok: true };
    });

    // `leave` has always allowed a missing acknowledgement, so it stays outside the request router.
    // The acknowledgement is the last argument: a client that sends a payload too still gets its answer.
    socket.on('leave', (...args: unknown[]) => {
      const ack = args[args.length - 1];
      const host = hostOf();
      const matchId = socket.data.matchId;
      host?.detach(socket.id, 'leave');
      const remoteLeave = !host && remote ? remote.detach(socket, 'leave') : Promise.resolve();
      // Answer once the seat store knows, so a request right after the answer sees the seat free.
      const settled = matchId === undefined ? remoteLeave : remoteLeave.then(() => deps.sync.settled(matchId));
      void settled.then(() => {
        if (typeof ack === 'function') (ack as (res: AckResult) => void)({ ok: true });
      });
    });

    /**
     * The host this socket's inputs go to and its port there, kept while the socket's match and
     * the registry's matches stay the same (a leave, a move or a new match here looks them up
     * again). Map lookups were 2.8 % of the server's CPU at 1,000 players, two thirds of them on
     * the input path (this one, then the host's connection → slot → queue).
     */
    let route: { matchId: string; registryAt: number; host: MatchHost | undefined; port: InputPort | undefined } | null = null;
    const inputRoute = (matchId: string): { host: MatchHost | undefined; port: InputPort | undefined } => {
      if (route === null || route.matchId !== matchId || route.registryAt !== deps.registry.version) {
        const host = deps.registry.get(matchId);
        route = { matchId, registryAt: deps.registry.version, host, port: host?.inputPort(socket.id) };
      }
      return route;
    };

    const onInput = (bytes: unknown): void => {
      if (!(bytes instanceof Uint8Array)) {
        return refuse(socket, { code: ErrorCode.BadInput, message: 'input must be binary' }, deps, true);
      }
      if (socket.data.role === 'spectator') {
        return strike({ code: ErrorCode.ReadOnly, message: 'spectators cannot send inputs' });
      }
      const matchId = socket.data.matchId;
      const { host, port } = matchId === undefined ? NO_ROUTE : inputRoute(matchId);
      const game = host?.spec.game ?? remote?.gameOf(socket) ?? null;
      if (!game || socket.data.role !== 'player') {
        if (justMoved(socket, Date.now())) return;
        return strike({ code: ErrorCode.NotInMatch, message: 'inputs are only accepted from a player in a match' });
      }
      // Each game has its own input format: the match's game decodes it (here, also for a match
      // another node runs: garbage is refused by the node that received it).
      const decoded = game.inputCodec.decode(bytes);
      if (!decoded.ok) {
        return refuse(socket, { code: ErrorCode.BadInput, message: `${decoded.code}: ${decoded.message}` }, deps, true);
      }
      if (!host) return remote!.input(socket, bytes);
      const outcome = host.pushThrough(port!, decoded.value);
      if (outcome === 'overflow') deps.metrics.inputsDropped.inc({ reason: 'overflow' });
      else if (outcome === 'replayed') deps.metrics.inputsDropped.inc({ reason: 'replayed' });
    };
    socket.on('input', onInput);
    // The per-tick input and the clock request skip engine.io's and socket.io's inbound layers;
    // the guard still admits each one, then the same checks run (input-fast-path.ts says when it
    // stands aside).
    const clockTime = (): number => Math.round(deps.clock() * 1000) / 1000;
    if (fastInputs) installInputFastPath(socket, { admit, charge, packetsPerSecond: deps.config.packetsPerSecond, onInput, clockTime });

    socket.on('clock', (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return strike({ code: ErrorCode.BadRequest, message: 'clock needs an acknowledgement callback' });
      (ack as (t: number) => void)(clockTime());
    });

    // A dropped player keeps its seat for the reconnect grace; only `leave` gives it up.
    socket.on('disconnect', () => {
      const host = hostOf();
      if (host) host.detach(socket.id, 'drop');
      else void remote?.detach(socket, 'drop');
    });
  });
}
