/**
 * socket.io always has the main namespace '/', and accepts connections to it unless told
 * otherwise. This server serves nothing there, so a client connected to it would sit on a
 * namespace with no token check and no packet guard (its packets reach no handler, but nothing
 * counts or limits them either). Refuse it at the handshake, like a bad token: a connect_error
 * with a stable code, a metric, a log line.
 */
import type { ExtendedError, Namespace, Socket } from 'socket.io';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export function closeMainNamespace(main: Namespace, deps: { metrics: Metrics; log: Logger; namespaces: readonly string[] }): void {
  const message = `nothing is served on the main namespace: connect to ${deps.namespaces.join(' or ')}`;
  main.use((socket: Socket, next: (err?: ExtendedError) => void) => {
    deps.metrics.protocolErrors.inc({ code: ErrorCode.BadRequest });
    deps.log.info({ nsp: '/', address: socket.handshake.address, code: ErrorCode.BadRequest }, 'handshake refused: main namespace');
    const error = new Error(ErrorCode.BadRequest) as ExtendedError;
    error.data = { code: ErrorCode.BadRequest, message };
    next(error);
  });
}
