/**
 * A player on socket.io-client with its DEFAULT parser, as a game developer who never saw this
 * repository would write one from docs/protocol.md: no SDK, no compact wire, binary events as
 * socket.io's placeholder plus attachment. It records every snapshot it decodes.
 */
import { Manager, type Socket } from 'socket.io-client';
import { decodeSnapshot } from '../../shared/games/arena/snapshot-codec.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import type { WireError } from '../../shared/protocol/errors.ts';
import { handshakeAuth } from '../../shared/protocol/version.ts';
import { guest } from './lobby.ts';

export interface StandardPlayer {
  manager: Manager;
  lobby: Socket;
  match: Socket;
  snapshots: Snapshot[];
  /** Snapshot payloads that did not decode (must stay empty). */
  decodeErrors: string[];
  errors: WireError[];
  disconnects: string[];
  close(): void;
}

export async function standardPlayer(url: string, nickname: string): Promise<StandardPlayer> {
  const { token } = await guest(url, nickname);
  const manager = new Manager(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  const auth = handshakeAuth(token);
  const lobby = manager.socket('/lobby', { auth });
  const match = manager.socket('/match', { auth });
  const player: StandardPlayer = {
    manager,
    lobby,
    match,
    snapshots: [],
    decodeErrors: [],
    errors: [],
    disconnects: [],
    close: () => {
      lobby.close();
      match.close();
    },
  };
  match.on('snapshot', (bytes: unknown) => {
    if (!(bytes instanceof Uint8Array)) {
      player.decodeErrors.push(`not binary: ${typeof bytes}`);
      return;
    }
    const decoded = decodeSnapshot(bytes, player.snapshots.at(-1) ?? null);
    if (decoded.ok) player.snapshots.push(decoded.value);
    else player.decodeErrors.push(`${decoded.code}: ${decoded.message}`);
  });
  match.on('protocol_error', (e: WireError) => player.errors.push(e));
  match.on('disconnect', (reason: string) => player.disconnects.push(reason));
  await Promise.all(
    [lobby, match].map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.once('connect', resolve);
          s.once('connect_error', reject);
        }),
    ),
  );
  return player;
}
