/**
 * Which of the load generator's shortcuts past ws, engine.io-client and Node's streams may run,
 * decided once when the bots start from the three probes (ws.ts, engine-io-client.ts,
 * node-net.ts). Each problem is told in one line naming the member that moved and the public
 * path the bots take instead; nothing switches off silently and nothing throws.
 */
import { probeEngineIoClient } from './engine-io-client.ts';
import { probeNodeNet } from './node-net.ts';
import { probeWsClient, type ShapeProblem } from './ws.ts';

export interface BotInternals {
  /** engine.io-client's `ws` can be read: bytes and frames are counted on it. */
  readonly engineWs: boolean;
  /** The light bots may tap the TCP socket under `ws` (ws-socket-tap.ts). */
  readonly tap: boolean;
  /** Tapped sockets may read into one shared buffer (Node's onread fields). */
  readonly sharedReads: boolean;
  /** A live socket showed that Node's TCP handle has no `useUserBuffer`: told once, shared reads off. */
  nodeHandleMoved(): void;
}

export interface BotProbes {
  ws(): ShapeProblem;
  engineIoClient(): ShapeProblem;
  node(): ShapeProblem;
}

const REAL_PROBES: BotProbes = { ws: () => probeWsClient(), engineIoClient: () => probeEngineIoClient(), node: () => probeNodeNet() };

export function checkBotInternals(tell: (line: string) => void, probes: BotProbes = REAL_PROBES): BotInternals {
  const ws = probes.ws();
  const engine = probes.engineIoClient();
  const node = probes.node();
  if (engine) tell(`${engine}; bots send and read every message through socket.io-client, and report no wire bytes or frames`);
  if (ws) tell(`${ws}; light bots read snapshots from ws's 'message' event and send inputs with ws.send`);
  if (node) tell(`${node}; light bots read through 'data' events`);
  let sharedReads = node === null && ws === null && engine === null;
  return {
    engineWs: engine === null,
    tap: engine === null && ws === null,
    get sharedReads() {
      return sharedReads;
    },
    nodeHandleMoved() {
      if (!sharedReads) return;
      sharedReads = false;
      tell("node: net.Socket's TCP handle has no useUserBuffer; light bots read through 'data' events");
    },
  };
}
