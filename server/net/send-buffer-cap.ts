/**
 * A cap on what the server holds for one connection that does not read.
 *
 * When a client stops reading (a stalled tab, a phone that lost its network without a FIN), the
 * kernel's socket buffers fill first, then engine.io keeps every packet for it in the
 * connection's write buffer until the heartbeat gives up (pingInterval + pingTimeout, 45 s by
 * default). Snapshots do not pile up there (the fan-out skips a backed-up client and sends it a
 * keyframe later), but everything else does: lobby chat, list changes, room events, answers to
 * its own requests. Measured on loopback: a client stalled for 10 s in a lobby chatting at ~200 KB/s
 * had 3.4 MB waiting for it when it read again (the kernel holds up to a few MB: tcp_wmem's
 * maximum on the server side plus the client's receive buffer); past what the kernel takes, the
 * rest would sit in the server, growing at the lobby's rate until the heartbeat cut the client.
 *
 * Counted per connection on engine.io's own events: 'packetCreate' adds a packet's size as it
 * enters the write buffer, 'flush' (the buffer handed to the transport) starts again from zero.
 * The transport holds at most the one batch it is writing, so the server holds at most about
 * twice the cap for any connection. Over it: the connection is closed, its buffer discarded
 * (nobody would read it), counted and logged. The client's socket.io reconnects as after any drop.
 */
import type { Server } from 'socket.io';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { blindToDirectWrites } from './engine-direct.ts';

interface EngineConn {
  id: string;
  remoteAddress?: string;
  on(event: 'packetCreate', fn: (packet: { data?: unknown }) => void): unknown;
  on(event: 'flush', fn: () => void): unknown;
  off(event: 'packetCreate', fn: (packet: { data?: unknown }) => void): unknown;
  close(discard?: boolean): unknown;
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}

export function installSendBufferCap(io: Server, opts: { maxBytes: number; metrics: Metrics; log: Logger }): void {
  io.engine.on('connection', (conn: EngineConn) => {
    let queued = 0;
    // A /match direct write (engine-direct.ts) happens only when nothing is held: it would add and clear at once.
    const onPacket = blindToDirectWrites((packet: { data?: unknown }): void => {
      queued += sizeOf(packet.data);
      if (queued <= opts.maxBytes) return;
      conn.off('packetCreate', onPacket);
      opts.metrics.slowConsumerDisconnects.inc();
      opts.log.warn({ engineId: conn.id, address: conn.remoteAddress, queuedBytes: queued, maxBytes: opts.maxBytes }, 'client not reading: send buffer over its cap, connection closed');
      conn.close(true);
    });
    conn.on('packetCreate', onPacket);
    conn.on(
      'flush',
      blindToDirectWrites(() => {
        queued = 0;
      }),
    );
  });
}
