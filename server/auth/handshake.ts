/**
 * Verifies the guest token at the socket.io handshake of a namespace (`nsp.use`), before any
 * event can arrive. A refused client gets `connect_error` whose message is the stable code
 * (AUTH_MISSING, AUTH_EXPIRED, AUTH_INVALID) and whose `data` is `{ code, message }`.
 */
import type { ExtendedError, Socket } from 'socket.io';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { GuestIdentity } from './identity.ts';
import type { TokenService } from './tokens.ts';

export function requireGuest(tokens: TokenService, deps: { metrics: Metrics; log: Logger }) {
  return (socket: Socket, next: (err?: ExtendedError) => void): void => {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    void tokens.verify(auth?.token).then((res) => {
      if (res.ok) {
        (socket.data as { guest: GuestIdentity }).guest = res.value;
        return next();
      }
      deps.metrics.protocolErrors.inc({ code: res.code });
      deps.log.info({ nsp: socket.nsp.name, address: socket.handshake.address, code: res.code }, 'handshake refused');
      const error = new Error(res.code) as ExtendedError;
      error.data = { code: res.code, message: res.message };
      next(error);
    });
  };
}
