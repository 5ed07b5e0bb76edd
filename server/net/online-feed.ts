/**
 * The lobby's "players online" figure: counted every 2 s (this node's connections, or in a
 * cluster the sum of every node's count from the node registry) and sent to this node's lobby
 * sockets when it changed. Every node sends to its own sockets only, so no count crosses Redis
 * once per node per change.
 */
import type { OnlineCount } from '../../shared/protocol/lobby-events.ts';
import type { LobbyNamespace, LobbySocket } from './types.ts';

export function startOnlineFeed(nsp: LobbyNamespace, count: () => Promise<OnlineCount>, everyMs = 2000): { stop(): void; greet(socket: LobbySocket): void } {
  let last: OnlineCount | null = null;
  let running = true;
  let timer: NodeJS.Timeout | null = null;
  const tick = async (): Promise<void> => {
    try {
      const now = await count();
      if (!last || now.players !== last.players || now.nodes !== last.nodes) nsp.local.emit('online', now);
      last = now;
    } catch {
      // Redis away: keep the last figure.
    }
    if (running) timer = setTimeout(() => void tick(), everyMs);
  };
  void tick();
  return {
    stop: () => {
      running = false;
      if (timer) clearTimeout(timer);
    },
    greet: (socket) => {
      if (last) socket.emit('online', last);
    },
  };
}
