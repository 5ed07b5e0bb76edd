/**
 * Verifies the guest token at the socket.io handshake of a namespace (`nsp.use`), before any
 * event can arrive. A refused client gets `connect_error` whose message is the stable code
 * (AUTH_MISSING, AUTH_EXPIRED, AUTH_INVALID) and whose `data` is `{ code, message }`.
 */
import type { ExtendedError, Socket } from 'socket.io';
import { ErrorCode, type WireError } from '../../shared/protocol/errors.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { GuestIdentity } from './identity.ts';
import type { TokenService } from './tokens.ts';

export interface HandshakeDeps {
  metrics: Metrics;
  log: Logger;
  /** The real client address (behind a trusted proxy, the one it forwarded for); default: the peer. */
  addressOf?: (socket: Socket) => string;
  /** A reason to refuse any connection now (this node is full, or draining), or null. */
  admit?: () => WireError | null;
}

export function requireGuest(tokens: TokenService, deps: HandshakeDeps) {
  const refuse = (socket: Socket, next: (err?: ExtendedError) => void, res: WireError): void => {
    deps.metrics.protocolErrors.inc({ code: res.code });
    deps.log.info({ nsp: socket.nsp.name, address: deps.addressOf?.(socket) ?? socket.handshake.address, code: res.code }, 'handshake refused');
    const error = new Error(res.code) as ExtendedError;
    error.data = { code: res.code, message: res.message };
    next(error);
  };
  return (socket: Socket, next: (err?: ExtendedError) => void): void => {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    // A client that names its protocol version must speak ours; one that names none (a tool, a
    // test) is taken at its word.
    if (auth?.protocol !== undefined && auth.protocol !== PROTOCOL_VERSION) {
      return refuse(socket, next, { code: ErrorCode.VersionMismatch, message: `this server speaks protocol ${PROTOCOL_VERSION}, the client ${String(auth.protocol).slice(0, 16)}: reload the page` });
    }
    const closed = deps.admit?.();
    if (closed) return refuse(socket, next, closed);
    void tokens.verify(auth?.token).then((res) => {
      if (res.ok) {
        (socket.data as { guest: GuestIdentity }).guest = res.value;
        return next();
      }
      refuse(socket, next, { code: res.code as ErrorCode, message: res.message });
    });
  };
}
