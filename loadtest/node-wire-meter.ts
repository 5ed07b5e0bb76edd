/**
 * Node-only adapter: exact WebSocket traffic of one socket.io-client connection.
 *
 * Bytes come from the TCP socket under the WebSocket (`net.Socket.bytesRead/bytesWritten`), so
 * every frame header, mask key, engine.io ping and socket.io packet header is counted, as well
 * as the HTTP upgrade of each (re)connection. Frames received are counted on the `ws` socket
 * engine.io-client creates in Node. Kept out of shared/client: browsers cannot see either.
 */
import type { Socket as NetSocket } from 'node:net';
import type { Manager } from 'socket.io-client';
import { webSocketOf, type ClientEngine } from './internals/engine-io-client.ts';
import { tcpSocketOf } from './internals/ws.ts';

interface WsLike {
  on(event: 'message', fn: () => void): void;
}

export class NodeWireMeter {
  private socket: NetSocket | null = null;
  private closedIn = 0;
  private closedOut = 0;
  framesIn = 0;

  /** Follows the connection `manager` has open now, if any, and every (re)connection from now on. */
  attach(manager: Manager): void {
    const engine = (): ClientEngine | undefined => manager.engine as unknown as ClientEngine | undefined;
    const current = (): WsLike | null => webSocketOf(engine()) as WsLike | null;
    if (engine()?.readyState === 'open') this.follow(current());
    manager.on('open', () => this.follow(current()));
  }

  private follow(ws: WsLike | null): void {
    if (this.socket) {
      this.closedIn += this.socket.bytesRead;
      this.closedOut += this.socket.bytesWritten;
    }
    this.socket = tcpSocketOf(ws);
    ws?.on('message', () => {
      this.framesIn += 1;
    });
  }

  get bytesIn(): number {
    return this.closedIn + (this.socket?.bytesRead ?? 0);
  }

  get bytesOut(): number {
    return this.closedOut + (this.socket?.bytesWritten ?? 0);
  }
}
