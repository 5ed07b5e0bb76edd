/**
 * engine.io-client's WebSocket transport, taking over the socket the page's entry module opened
 * early (early-socket.ts) instead of opening its own, when it was opened for the very address the
 * transport would open. Only the first connection's transport can take it (the socket is handed
 * over once); reconnections and any other address open sockets of their own, as usual.
 *
 * A socket that opened, or received engine.io's open packet, before the transport existed is
 * caught up in order: the engine starts listening to its transport only after `open()` returns,
 * so the catch-up waits for a microtask, and the socket's own next event (a task) cannot
 * overtake it.
 *
 * A frame the entry module already sent on the socket (the lobby's CONNECT for the same token) is
 * not sent again when the client writes it: the server would take a second CONNECT of a namespace
 * as a second socket. Only an identical frame is held back, once; any other goes out as usual.
 */
import { WebSocket as WebSocketTransport, type TransportCtor } from 'engine.io-client';
import type { EarlySocket, HandedOver } from './early-socket.ts';

export function adoptingWebSocket(early: EarlySocket): TransportCtor {
  return class AdoptingWebSocket extends WebSocketTransport {
    private adopted: HandedOver | null = null;
    /** What the entry module sent on the adopted socket and the client has not written yet. */
    private sentEarly: string[] = [];

    override createSocket(uri: string, protocols: string | string[] | undefined, opts: Record<string, unknown>): WebSocket {
      this.adopted = early.take(uri);
      this.sentEarly = this.adopted ? [...this.adopted.sent] : [];
      return this.adopted?.ws ?? (super.createSocket(uri, protocols, opts) as WebSocket);
    }

    override doOpen(): this {
      super.doOpen(); // createSocket, then the transport's own listeners on the socket
      const adopted = this.adopted;
      this.adopted = null;
      if (!adopted?.opened) return this; // still connecting: the socket's own `open` event comes
      queueMicrotask(() => {
        if (this.readyState !== 'opening') return; // closed meanwhile
        this.onOpen();
        for (const data of adopted.messages) this.onData(data as string);
      });
      return this;
    }

    override doWrite(...[packet, data]: Parameters<WebSocketTransport['doWrite']>): void {
      const early = typeof data === 'string' ? this.sentEarly.indexOf(data) : -1;
      if (early >= 0) {
        this.sentEarly.splice(early, 1);
        return;
      }
      super.doWrite(packet, data);
    }
  } as unknown as TransportCtor;
}
