/**
 * Whether the /match direct paths may run on this server's engine.io and `ws`, decided once per
 * server from the two start-up probes (engine-io.ts, ws.ts), and kept on the socket.io server
 * so every namespace and room of that server reads the same answer.
 *
 * Each problem is told in one line naming the member that moved and the public path taken
 * instead; nothing switches off silently and nothing throws.
 */
import { bufferedPackets, countedPackets, countPackets, probeEngineIo, type EngineConn } from './engine-io.ts';
import { handleWriter, probeHandleWrites, type HandleWriter } from './node-net-write.ts';
import { probeSharedReads } from './node-net-read.ts';
import { probeFrameReader, probeWs, type SharedReads, type ShapeProblem } from './ws.ts';

export interface DirectPaths {
  /** Inputs may be taken off the `ws` socket in front of engine.io (input-fast-path.ts). */
  readonly inputs: boolean;
  /** Snapshots may be written straight to the `ws` sender (room-transport.ts). */
  readonly snapshots: boolean;
  /** Input frames may be read off the TCP socket in front of ws's receiver (ws.ts `readFramesInFront`). */
  readonly frames: boolean;
  /** Snapshot frames go straight to the TCP handle (node-net-write.ts); null: through ws's sender. */
  readonly handles: HandleWriter | null;
  /**
   * The frame reader's sockets read into one shared buffer (node-net-read.ts), or null when Node's
   * `onread` fields were not found: they read through `'data'` events.
   */
  readonly reads: SharedReads | null;
  /** The packets a connection holds unsent (engine.io's buffer, or the public-event count). */
  pendingPackets(conn: EngineConn): number;
}

/** The part of a socket.io server this module needs. */
export interface EngineHolder {
  readonly engine: { on(event: 'connection', fn: (conn: EngineConn) => void): unknown };
}

export interface Probes {
  engine(): ShapeProblem;
  ws(): ShapeProblem;
  frames(): ShapeProblem;
  /** Node's TCP handle writes (node-net-write.ts); the real probe when left out. */
  netWrites?(): ShapeProblem;
  /** Node's `onread` fields (node-net-read.ts); the real probe when left out. */
  netReads?(): ShapeProblem;
}

const REAL_PROBES: Probes = {
  engine: () => probeEngineIo(),
  ws: () => probeWs(),
  frames: () => probeFrameReader(),
  netWrites: () => probeHandleWrites(),
  netReads: () => probeSharedReads(),
};

/** libuv's own read size: a read never brings more than this at once on the ordinary path either. */
const SHARED_READ_BYTES = 64 * 1024;

const PATHS = Symbol('directPaths');

/**
 * The server's DirectPaths, probing on first call: call it at start-up with the server's logger
 * so a problem is logged there. A server nobody checked at start-up still probes on its first
 * match, and tells a problem as a process warning.
 */
export function directPathsOf(io: EngineHolder, warn?: (line: string) => void, probes: Probes = REAL_PROBES): DirectPaths {
  const holder = io as EngineHolder & { [PATHS]?: DirectPaths };
  const known = holder[PATHS];
  if (known) return known;
  const tell = warn ?? ((line: string) => process.emitWarning(line));
  const engineProblem = probes.engine();
  const wsProblem = probes.ws();
  const framesProblem = engineProblem === null ? probes.frames() : null;
  const writesProblem = engineProblem === null && wsProblem === null ? (probes.netWrites ?? probeHandleWrites)() : null;
  const readsProblem = engineProblem === null && framesProblem === null ? (probes.netReads ?? probeSharedReads)() : null;
  if (engineProblem) tell(`${engineProblem}; /match inputs and snapshots take the socket.io path, slow readers are seen through engine.io's packetCreate/flush events`);
  if (wsProblem) tell(`${wsProblem}; /match snapshots are sent with socket.emit`);
  if (framesProblem) tell(`${framesProblem}; /match inputs are read by ws's receiver, then taken from its 'message' event`);
  if (writesProblem) tell(`${writesProblem}; /match snapshots are written through ws's sender (Node's socket.write)`);
  if (readsProblem) tell(`${readsProblem}; /match sockets read through 'data' events`);
  if (engineProblem) io.engine.on('connection', countPackets);
  const paths: DirectPaths = {
    inputs: engineProblem === null,
    snapshots: engineProblem === null && wsProblem === null,
    frames: engineProblem === null && framesProblem === null,
    handles: engineProblem === null && wsProblem === null && writesProblem === null ? handleWriter() : null,
    reads: engineProblem === null && framesProblem === null && readsProblem === null ? sharedReads(tell) : null,
    pendingPackets: engineProblem === null ? bufferedPackets : countedPackets,
  };
  holder[PATHS] = paths;
  return paths;
}

/** The server's shared read buffer; a socket refused for its shape is told once. */
function sharedReads(tell: (line: string) => void): SharedReads {
  let told = false;
  return {
    buffer: Buffer.allocUnsafe(SHARED_READ_BYTES),
    refused(why: string): void {
      if (!told) tell(why);
      told = true;
    },
  };
}
