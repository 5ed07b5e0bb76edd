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
 */
import { WebSocket as WebSocketTransport, type TransportCtor } from 'engine.io-client';
import type { EarlySocket, HandedOver } from './early-socket.ts';

export function adoptingWebSocket(early: EarlySocket): TransportCtor {
  return class AdoptingWebSocket extends WebSocketTransport {
    private adopted: HandedOver | null = null;

    override createSocket(uri: string, protocols: string | string[] | undefined, opts: Record<string, unknown>): WebSocket {
      this.adopted = early.take(uri);
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
  } as unknown as TransportCtor;
}
