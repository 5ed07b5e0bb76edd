/**
 * This node's sockets in matches other nodes own. A player may connect to any node: its node
 * asks the owner to attach the connection (`<thisNode>#<socketId>`), joins the socket to the
 * match's room here (room events reach it through the adapter), relays its inputs to the owner
 * over the node bus, and feeds it the match's stream through a relay: the owner publishes each
 * encoded snapshot once per tick, this node decodes it once and sends it to its own sockets
 * with the same fan-out the owner uses (a personal keyframe for newcomers and slow readers, the
 * shared deltas otherwise), so slow readers here are handled here, the same way. With a
 * spectator delay (`spectatorDelayTicks`) spectators here get the owner's spectators' stream
 * instead, relayed the same way: what the owner makes for its own spectators (re-simulated from
 * the match's recording, or its live snapshots held back when it has none), published once on
 * the bus while some other node has spectators. This node holds nothing back itself: nothing it
 * gets is newer than the delay.
 */
import type { AnyGame, SnapshotHeader } from '../../shared/game/game-definition.ts';
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo } from '../../shared/protocol/events.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import { SnapshotFanout } from '../match/snapshot-fanout.ts';
import type { Metrics } from '../metrics.ts';
import { bindSocket, matchRoom, movedNotice, remoteConnectionId, replacedNotice, snapshotRoom, spectatorRoom, unbindSocket } from '../net/match-room.ts';
import { roomTransport } from '../net/room-transport.ts';
import type { RemoteSockets } from '../net/remote-sockets.ts';
import type { MatchNamespace, MatchSocket } from '../net/types.ts';
import { ClusterUnavailableError, type NodeBus } from './node-bus.ts';

/** One of the owner's streams, decoded on its own delta chain and fanned out again here. */
interface RelayedStream {
  fanout: SnapshotFanout;
  base: SnapshotHeader | null;
  /** When this node last asked the owner for a keyframe of this stream (Date.now()). */
  askedKeyframeAt: number;
}

interface Relay extends RelayedStream {
  owner: string;
  game: AnyGame;
  sockets: Set<string>;
  /** This node's spectators of the match on the owner's spectators' stream; null: none (or no delay). */
  spectators: SpectatorRelay | null;
}

/** The owner's spectators' stream, relayed to this node's spectators (subscribed while there are any). */
interface SpectatorRelay extends RelayedStream {
  watching: Set<string>;
}

export interface RemoteMatchesDeps {
  nsp: MatchNamespace;
  bus: NodeBus;
  games: GameRegistry;
  metrics: Metrics;
  log: Logger;
  keyframeEveryTicks: number;
  /** Spectators see matches this many ticks late (SPECTATOR_DELAY_S × tick rate); 0 or absent: live. */
  spectatorDelayTicks?: number;
}

export const unavailable = (error: unknown): AckResult<never> => ({
  ok: false,
  code: ErrorCode.ClusterUnavailable,
  message: error instanceof ClusterUnavailableError ? error.message : 'the node that runs this match did not answer',
});

/**
 * A stream subscribed before the owner was asked to attach (see `attach`): what arrives is kept
 * until the relay exists (the owner's keyframe for the newcomer among it).
 */
interface EarlyStream {
  owner: string;
  frames: { from: string; bytes: Uint8Array }[];
  /** Attaches under way that count on it. */
  waiting: number;
}

/** Frames kept for a relay that does not exist yet: a second's worth at the fastest tick rate. */
const EARLY_FRAMES_MAX = 128;

export class RemoteMatches implements RemoteSockets {
  private readonly relays = new Map<string, Relay>();
  private readonly early = new Map<string, EarlyStream>();
  /** Attaches waiting for their owner's answer, by match (see `moved`). */
  private readonly attaching = new Map<string, Set<(to: string) => void>>();

  constructor(private readonly deps: RemoteMatchesDeps) {}

  /** The owner of the match this socket is in through this node, if it is a remote one. */
  ownerOf(socket: MatchSocket): string | null {
    const matchId = socket.data.matchId;
    const relay = matchId === undefined ? undefined : this.relays.get(matchId);
    return relay?.sockets.has(socket.id) ? relay.owner : null;
  }

  /** Asks the owner to attach this socket as a player (or spectator), and wires it up here. */
  async attach(socket: MatchSocket, owner: string, matchId: string, guest: GuestIdentity, role: 'player' | 'spectator'): Promise<AckResult<MatchInfo>> {
    let res: AckResult<MatchInfo>;
    let gaveUp: ((to: string) => void) | undefined;
    // Subscribed to the match's stream before the owner hears of this connection: the owner sends
    // a keyframe on the first tick after it attached a node's first connection, and a subscription
    // made after the answer could miss it (the relay then waits for the next periodic keyframe, up
    // to a second of frozen screen).
    const early = await this.subscribeEarly(matchId, owner);
    try {
      const asked = this.deps.bus.request(owner, 'attach', { matchId, guest: { guestId: guest.guestId, nickname: guest.nickname }, socketId: socket.id, role });
      // An owner that crashed never answers: when the match is adopted meanwhile, stop waiting
      // for the bus timeout and say so (the caller joins the new owner).
      const moved = new Promise<string>((resolve) => (gaveUp = (to) => to !== owner && resolve(to)));
      this.waiting(matchId).add(gaveUp!);
      const first = await Promise.race([asked, moved.then((to) => ({ movedTo: to }))]);
      if ('movedTo' in first) {
        // Should the old owner answer after all, its seat is undone by the usual detach.
        void asked.then((late) => late.ok && this.deps.bus.notify(owner, 'detach', { matchId, socketId: socket.id, how: 'drop' }), () => undefined);
        return { ok: false, code: ErrorCode.ClusterUnavailable, message: `the match moved to node ${first.movedTo} while joining: join it there` };
      }
      res = first;
    } catch (error) {
      this.endEarly(matchId, early);
      return unavailable(error);
    } finally {
      if (gaveUp) this.unwait(matchId, gaveUp);
    }
    if (!res.ok) {
      this.endEarly(matchId, early);
      return res;
    }
    if (!socket.connected) {
      this.endEarly(matchId, early);
      this.deps.bus.notify(owner, 'detach', { matchId, socketId: socket.id, how: 'drop' });
      return { ok: false, code: ErrorCode.NotInMatch, message: 'disconnected' };
    }
    const game = this.deps.games.game(res.game);
    if (!game) {
      this.endEarly(matchId, early);
      return { ok: false, code: ErrorCode.UnknownGame, message: `this node does not run ${res.game}` };
    }
    if (early) early.waiting -= 1;
    bindSocket(socket, matchId, res.role, res.slot);
    void socket.join(matchRoom(matchId));
    const relay = this.relayOf(matchId, owner, game);
    if (early && early.waiting <= 0 && this.early.get(matchId) === early) this.early.delete(matchId);
    relay.sockets.add(socket.id);
    if (res.role === 'spectator' && (this.deps.spectatorDelayTicks ?? 0) > 0) this.watch(matchId, relay, socket.id);
    else relay.fanout.add(socket.id);
    return res;
  }

  /** The socket leaves (asks to) or drops; the owner keeps a dropped player's seat for the grace. */
  async detach(socket: MatchSocket, how: 'leave' | 'drop'): Promise<void> {
    const owner = this.ownerOf(socket);
    const matchId = socket.data.matchId;
    if (owner === null || matchId === undefined) return;
    this.forget(matchId, socket.id);
    unbindSocket(socket, matchId);
    void socket.leave(matchRoom(matchId));
    const body = { matchId, socketId: socket.id, how };
    // A leave is answered once the owner has freed the seat, as on the owner's own node.
    if (how === 'leave') await this.deps.bus.request(owner, 'detach', body).catch(() => undefined);
    else this.deps.bus.notify(owner, 'detach', body);
  }

  /** An input from one of this node's sockets, checked here, applied by the owner. */
  input(socket: MatchSocket, bytes: Uint8Array): void {
    const owner = this.ownerOf(socket);
    if (owner === null) return;
    this.deps.bus.sendInput(owner, socket.data.matchId!, remoteConnectionId(this.deps.bus.nodeId, socket.id), bytes);
  }

  gameOf(socket: MatchSocket): AnyGame | null {
    const relay = socket.data.matchId === undefined ? undefined : this.relays.get(socket.data.matchId);
    return relay?.sockets.has(socket.id) ? relay.game : null;
  }

  /** The owner took the connection off the match (seat freed, match over, takeover). */
  dismissed(matchId: string, socketId: string): void {
    this.forget(matchId, socketId);
    const socket = this.deps.nsp.sockets.get(socketId);
    if (!socket) return;
    unbindSocket(socket, matchId);
    void socket.leave(matchRoom(matchId));
  }

  replaced(matchId: string, socketId: string): void {
    this.dismissed(matchId, socketId);
    const socket = this.deps.nsp.sockets.get(socketId);
    if (socket) replacedNotice(socket);
  }

  /**
   * The match now runs on `owner` (its owner died or handed it over): this node's players there
   * are told to join again, which the SDK does by itself (MATCH_MOVED), and land on the new owner.
   */
  moved(matchId: string, owner: string): void {
    for (const giveUp of [...(this.attaching.get(matchId) ?? [])]) giveUp(owner);
    const relay = this.relays.get(matchId);
    if (!relay || relay.owner === owner) return;
    this.deps.log.info({ matchId, from: relay.owner, to: owner }, 'match moved: its players here join again');
    for (const socketId of [...relay.sockets]) {
      this.dismissed(matchId, socketId);
      const socket = this.deps.nsp.sockets.get(socketId);
      if (socket) movedNotice(socket, matchId, Date.now());
    }
  }

  /** Matches relayed here, for /healthz. */
  get players(): number {
    let n = 0;
    for (const r of this.relays.values()) n += r.sockets.size;
    return n;
  }

  private waiting(matchId: string): Set<(to: string) => void> {
    let set = this.attaching.get(matchId);
    if (!set) this.attaching.set(matchId, (set = new Set()));
    return set;
  }

  private unwait(matchId: string, giveUp: (to: string) => void): void {
    const set = this.attaching.get(matchId);
    set?.delete(giveUp);
    if (set?.size === 0) this.attaching.delete(matchId);
  }

  /**
   * Subscribes to the match's stream for an attach to `owner`, unless the relay here already
   * follows that owner; returns the early stream the attach counts on (null: none needed).
   */
  private async subscribeEarly(matchId: string, owner: string): Promise<EarlyStream | null> {
    if (this.relays.get(matchId)?.owner === owner) return null;
    let early = this.early.get(matchId);
    if (!early || early.owner !== owner) {
      early = { owner, frames: [], waiting: 0 };
      this.early.set(matchId, early);
    }
    early.waiting += 1;
    await this.deps.bus.subscribeStream(matchId, this.earlyHandlerOf(matchId));
    return early;
  }

  private earlyHandlerOf(matchId: string): (from: string, bytes: Uint8Array) => void {
    return (from, bytes) => {
      const early = this.early.get(matchId);
      if (!early || from !== early.owner) return;
      early.frames.push({ from, bytes });
      if (early.frames.length > EARLY_FRAMES_MAX) early.frames.shift();
    };
  }

  /** An attach that counted on the early stream failed: drop it when nobody else waits on it. */
  private endEarly(matchId: string, early: EarlyStream | null): void {
    if (!early) return;
    early.waiting -= 1;
    if (early.waiting > 0 || this.early.get(matchId) !== early) return;
    this.early.delete(matchId);
    const relay = this.relays.get(matchId);
    // The channel goes back to the relay that was there, or is given up.
    if (relay) void this.deps.bus.subscribeStream(matchId, (from, bytes) => this.onStream(matchId, relay, from, bytes));
    else this.deps.bus.unsubscribeStream(matchId);
  }

  private relayOf(matchId: string, owner: string, game: AnyGame): Relay {
    let relay = this.relays.get(matchId);
    if (relay && relay.owner === owner) return relay;
    // The streams' subscriptions stay (see below): only their handlers change.
    const watching = relay?.spectators?.watching;
    relay = {
      owner,
      game,
      base: null,
      askedKeyframeAt: 0,
      sockets: relay?.sockets ?? new Set(),
      fanout: new SnapshotFanout(roomTransport(this.deps.nsp, snapshotRoom(matchId)), game.snapshotCodec, this.deps.keyframeEveryTicks, this.deps.metrics),
      spectators: null,
    };
    this.relays.set(matchId, relay);
    const r = relay;
    for (const id of watching ?? []) this.watch(matchId, r, id);
    // The same channel: the handler changes, the subscription stays (no frame falls in between).
    void this.deps.bus.subscribeStream(matchId, (from, bytes) => this.onStream(matchId, r, from, bytes));
    const early = this.early.get(matchId);
    if (early?.owner === owner) {
      // Frames that came before the relay: from the keyframe on, they decode in order.
      const frames = early.frames.splice(0);
      for (const f of frames) this.onStream(matchId, r, f.from, f.bytes);
    }
    return relay;
  }

  private onStream(matchId: string, relay: Relay, from: string, bytes: Uint8Array): void {
    // A stale owner (paused, then woken) may still publish for a moment: only the owner counts.
    if (from !== relay.owner || this.relays.get(matchId) !== relay) return;
    this.relayFrame(matchId, relay, relay, bytes, false);
  }

  /**
   * Decodes one of the owner's frames on `stream`'s delta chain and fans it out here. Until the
   * first keyframe there is no base: the owner sends one when this node's first connection (or
   * spectator) attaches. Should it have gone out before the subscription took (or been lost), ask
   * for one rather than wait for the periodic keyframe (a second); once per 200 ms at most.
   */
  private relayFrame(matchId: string, relay: Relay, stream: RelayedStream, bytes: Uint8Array, spectators: boolean): void {
    const head = relay.game.snapshotCodec.peek(bytes);
    if (!head.ok) return;
    const decoded = relay.game.snapshotCodec.decode(bytes, stream.base);
    if (!decoded.ok) {
      const now = Date.now();
      if (now - stream.askedKeyframeAt >= 200) {
        stream.askedKeyframeAt = now;
        this.deps.bus.notify(relay.owner, 'keyframe', spectators ? { matchId, spectators: true } : { matchId });
      }
      return;
    }
    stream.base = decoded.value;
    stream.fanout.relay(decoded.value, bytes, head.value.kind === 'key');
  }

  /** A spectator here, on the owner's spectators' stream (subscribed with the first one). */
  private watch(matchId: string, relay: Relay, socketId: string): void {
    let side = relay.spectators;
    if (!side) {
      const fanout = new SnapshotFanout(roomTransport(this.deps.nsp, spectatorRoom(matchId)), relay.game.snapshotCodec, this.deps.keyframeEveryTicks, this.deps.metrics);
      side = relay.spectators = { fanout, base: null, askedKeyframeAt: 0, watching: new Set() };
      const s = side;
      void this.deps.bus.subscribeStream(matchId, (from, bytes) => this.onSpectatorStream(matchId, relay, s, from, bytes), 'spectators');
    }
    side.watching.add(socketId);
    side.fanout.add(socketId);
  }

  private onSpectatorStream(matchId: string, relay: Relay, side: SpectatorRelay, from: string, bytes: Uint8Array): void {
    if (from !== relay.owner || this.relays.get(matchId) !== relay || relay.spectators !== side) return;
    this.relayFrame(matchId, relay, side, bytes, true);
  }

  private forget(matchId: string, socketId: string): void {
    const relay = this.relays.get(matchId);
    if (!relay?.sockets.delete(socketId)) return;
    relay.fanout.remove(socketId);
    const side = relay.spectators;
    if (side?.watching.delete(socketId)) {
      side.fanout.remove(socketId);
      // Nobody watching here: the owner stops publishing the spectators' stream for this node.
      if (side.watching.size === 0) {
        relay.spectators = null;
        this.deps.bus.unsubscribeStream(matchId, 'spectators');
      }
    }
    if (relay.sockets.size > 0) return;
    this.relays.delete(matchId);
    // An attach to the match's next owner may be under way: its early stream keeps the channel.
    if (this.early.has(matchId)) void this.deps.bus.subscribeStream(matchId, this.earlyHandlerOf(matchId));
    else this.deps.bus.unsubscribeStream(matchId);
  }
}
