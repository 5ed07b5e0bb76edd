/**
 * A match's ports over socket.io (server/match/match-events.ts, snapshot-fanout.ts): its room for
 * events, a second room for the snapshot stream, and the one place that writes a /match socket's
 * `socket.data` match fields, so the handlers only read them.
 *
 * In a cluster, a connection may be a socket of another node (its id `<nodeId>#<socketId>`):
 * room events reach it through the adapter like any room member; the snapshot stream goes to its
 * node once per tick over the node bus (server/cluster/node-bus.ts), whose relay feeds its own
 * sockets; dismissals and takeovers are told to its node.
 */
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { MatchEvents } from '../match/match-events.ts';
import { OTHER_NODES, type FanoutTransport } from '../match/snapshot-fanout.ts';
import { roomTransport } from './room-transport.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';

export const matchRoom = (matchId: string): string => `match:${matchId}`;
export const snapshotRoom = (matchId: string): string => `snap:${matchId}`;
/** The snapshots spectators get: the same match, SPECTATOR_DELAY_S behind (server/replay/delayed-spectators.ts). */
export const spectatorRoom = (matchId: string): string => `watch:${matchId}`;
/** The connections of a match that asked for its tick time (`net_graph`). */
export const tickRoom = (matchId: string): string => `tick:${matchId}`;

/** A connection of another node, as the match's owner knows it. */
export const remoteConnectionId = (nodeId: string, socketId: string): string => `${nodeId}#${socketId}`;

export function parseRemoteConnection(connectionId: string): { nodeId: string; socketId: string } | null {
  const at = connectionId.indexOf('#');
  return at < 0 ? null : { nodeId: connectionId.slice(0, at), socketId: connectionId.slice(at + 1) };
}

/** Records on the socket which match it is in and as what. */
export function bindSocket(socket: MatchSocket, matchId: string, role: 'player' | 'spectator', slot: number): void {
  socket.data.matchId = matchId;
  socket.data.role = role;
  socket.data.slot = role === 'player' ? slot : undefined;
  if (socket.data.netGraph) void socket.join(tickRoom(matchId));
}

/** Starts or stops `server_tick` for this connection, in its match now and in later ones. */
export function watchServerTick(socket: MatchSocket, on: boolean): void {
  socket.data.netGraph = on;
  const matchId = socket.data.matchId;
  if (matchId === undefined) return;
  void (on ? socket.join(tickRoom(matchId)) : socket.leave(tickRoom(matchId)));
}

/** Forgets the match on the socket, if it still names this one. */
export function unbindSocket(socket: MatchSocket, matchId: string): void {
  if (socket.data.matchId !== matchId) return;
  void socket.leave(tickRoom(matchId));
  socket.data.matchId = undefined;
  socket.data.slot = undefined;
  socket.data.role = undefined;
}

/**
 * The match left this node (adopted elsewhere, handed over): the player is told to join again.
 * Inputs it sent before it heard are dropped quietly for a moment (see `justMoved`).
 */
export function movedNotice(socket: MatchSocket, matchId: string, now: number): void {
  unbindSocket(socket, matchId);
  socket.data.movedAt = now;
  socket.emit('protocol_error', { code: ErrorCode.MatchMoved, message: 'the match moved to another node: join it again' });
}

/** How long after MATCH_MOVED a player's inputs may still be on their way. */
const INPUTS_IN_FLIGHT_MS = 2_000;

/** Told MATCH_MOVED a moment ago: an input now was sent before the player heard, not a mistake. */
export function justMoved(socket: MatchSocket, now: number): boolean {
  return socket.data.movedAt !== undefined && now - socket.data.movedAt < INPUTS_IN_FLIGHT_MS;
}

export function replacedNotice(socket: MatchSocket): void {
  socket.emit('protocol_error', { code: ErrorCode.SessionReplaced, message: 'this seat was taken over by another connection' });
  socket.disconnect(true);
}

/**
 * The other nodes, as a match's room reaches them (the node bus, server/cluster/node-bus.ts, in
 * a cluster): tell a relayed connection's node it was dismissed or replaced, publish the stream.
 */
export interface OtherNodes {
  notify(nodeId: string, kind: 'dismiss' | 'replaced', body: { matchId: string; socketId: string }): void;
  publishSnapshot(matchId: string, bytes: Uint8Array, kind?: 'players' | 'spectators'): void;
}


export function matchRoomPorts(nsp: MatchNamespace, matchId: string, bus: OtherNodes | null): { events: MatchEvents; transport: FanoutTransport; spectators: FanoutTransport } {
  const room = matchRoom(matchId);
  const to = () => nsp.to(room);
  /** Remote connections in the match, by node: the nodes its stream is published to. */
  const remote = new Map<string, Set<string>>();
  let keyframeWanted = false;

  const events: MatchEvents = {
    roster: (players) => to().emit('roster', players),
    // The subject's own socket is in the room by now (it was admitted first): leave it out. A
    // connection of another node is its socket id there, which that node's adapter excludes.
    presence: (change, except) =>
      (except === undefined ? to() : to().except(parseRemoteConnection(except)?.socketId ?? except)).emit('presence', change),
    phase: (change) => to().emit('phase', change),
    ended: (results) => to().emit('ended', results),
    // Only to the connections that asked. Those of other nodes are reached through the adapter,
    // which publishes to Redis whether or not any node listens: with no connection elsewhere the
    // emit stays on this node, and with nobody here asking there is none.
    serverTick: (tick) => {
      const ticks = tickRoom(matchId);
      if (remote.size > 0 || nodesOnChain) nsp.to(ticks).emit('server_tick', tick);
      else if (nsp.adapter.rooms.has(ticks)) nsp.local.to(ticks).emit('server_tick', tick);
    },
    admit(connectionId, role, slot) {
      const far = parseRemoteConnection(connectionId);
      if (far) {
        let conns = remote.get(far.nodeId);
        if (!conns) {
          remote.set(far.nodeId, (conns = new Set()));
          // The node's relay starts from a keyframe, so the next snapshot is one for everybody.
          keyframeWanted = true;
        }
        conns.add(connectionId);
        return false;
      }
      const socket = nsp.sockets.get(connectionId);
      if (socket) {
        bindSocket(socket, matchId, role, slot);
        void socket.join(room);
      }
      return true;
    },
    dismiss(connectionId) {
      const far = parseRemoteConnection(connectionId);
      if (far) {
        const conns = remote.get(far.nodeId);
        if (conns?.delete(connectionId) && conns.size === 0) remote.delete(far.nodeId);
        bus?.notify(far.nodeId, 'dismiss', { matchId, socketId: far.socketId });
        return;
      }
      const socket = nsp.sockets.get(connectionId);
      if (!socket) return;
      unbindSocket(socket, matchId);
      void socket.leave(room);
    },
    replaced(connectionId) {
      const far = parseRemoteConnection(connectionId);
      if (far) return bus?.notify(far.nodeId, 'replaced', { matchId, socketId: far.socketId });
      const socket = nsp.sockets.get(connectionId);
      if (socket) replacedNotice(socket);
    },
  };

  const local = roomTransport(nsp, snapshotRoom(matchId));
  const transport: FanoutTransport = {
    ...local,
    broadcast(bytes, backedUp) {
      const reached = local.broadcast(bytes, backedUp);
      if (remote.size === 0 || !bus) return reached;
      bus.publishSnapshot(matchId, bytes);
      let far = 0;
      for (const conns of remote.values()) far += conns.size;
      return reached + far;
    },
    wantsKeyframe() {
      const wanted = keyframeWanted;
      keyframeWanted = false;
      return wanted;
    },
    hasOtherReaders: () => remote.size > 0,
  };
  const watchersHere = roomTransport(nsp, spectatorRoom(matchId));
  let nodesOnChain = false;
  const spectators: FanoutTransport = {
    ...watchersHere,
    broadcast(bytes, backedUp) {
      const reached = watchersHere.broadcast(bytes, backedUp);
      if (!nodesOnChain || !bus) return reached;
      bus.publishSnapshot(matchId, bytes, 'spectators');
      return reached + 1;
    },
    send(id, bytes) {
      if (id !== OTHER_NODES) return watchersHere.send(id, bytes);
      bus?.publishSnapshot(matchId, bytes, 'spectators');
    },
    subscribe(id) {
      if (id === OTHER_NODES) nodesOnChain = true;
      else watchersHere.subscribe(id);
    },
    unsubscribe(id) {
      if (id === OTHER_NODES) nodesOnChain = false;
      else watchersHere.unsubscribe(id);
    },
    // The bus has its own backlog handling: the nodes' subscriber is never a slow reader here.
    isBackedUp: (id) => id !== OTHER_NODES && watchersHere.isBackedUp(id),
    isDrained: (id) => id === OTHER_NODES || watchersHere.isDrained(id),
  };
  return { events, transport, spectators };
}
