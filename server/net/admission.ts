/**
 * Who may open an engine.io connection (socket.io's `allowRequest`, run on every new session:
 * the polling handshake and a direct WebSocket upgrade, before anything is allocated for it):
 * a page of an allowed origin (or no page at all), from an address that holds fewer than
 * MAX_CONNECTIONS_PER_ADDRESS connections. The upgrade of a polling session to WebSocket carries
 * its session id and is not a new connection: engine.io checks only the id there.
 *
 * A refused client sees the code as engine.io's error message: over polling the 403 body
 * `{"code":4,"message":"ORIGIN_REFUSED"}` (socket.io-client: connect_error with `description`
 * 403 and the body in `context.responseText`), over a WebSocket upgrade a 400 whose body is the
 * code (browsers hide it; the log and the metric have it).
 *
 * Connections are counted per real client address (net/client-address.ts) from engine.io's
 * `connection` to its socket's `close`, across both transports. Between `allowRequest` saying
 * yes and engine.io emitting `connection` (the same turn of the event loop), the admitted
 * request holds a reservation, so a burst of handshakes cannot all pass on the same count; a
 * reservation no connection claimed is dropped on the next turn, so a failed handshake leaks
 * nothing.
 */
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { clientAddress, type ProxyTrust } from './client-address.ts';
import type { OriginPolicy } from './origin-policy.ts';

export interface AdmissionDeps {
  origins: OriginPolicy;
  trust: ProxyTrust;
  /** 0: no cap. */
  maxPerAddress: number;
  metrics: Metrics;
  log: Logger;
}

/** What engine.io hands `allowRequest` and `connection` (its socket keeps the handshake request). */
export interface EngineConnection {
  request: IncomingMessage;
  once(event: 'close', fn: () => void): unknown;
}

export interface Admission {
  allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void;
  /** engine.io's `connection` event: counts the connection against its address until it closes. */
  track(conn: EngineConnection): void;
  /** The real address of a request (for logs and limits of the code that has only the request). */
  addressOf(req: IncomingMessage): string;
  /** Connections an address holds now (tests, /healthz). */
  connections(address: string): number;
}

export function createAdmission(deps: AdmissionDeps): Admission {
  const live = new Map<string, number>();
  const reserved = new Map<string, number>();
  /** The address each admitted request was counted under, so `track` need not work it out twice. */
  const admitted = new WeakMap<IncomingMessage, string>();

  /**
   * Worked out once per request and kept: a socket's handshake request outlives its TCP
   * connection (long-polling), whose remoteAddress is gone by the time the socket disconnects.
   */
  const known = new WeakMap<IncomingMessage, string>();
  const addressOf = (req: IncomingMessage): string => {
    let address = known.get(req);
    if (address === undefined) {
      address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trust);
      known.set(req, address);
    }
    return address;
  };
  const bump = (map: Map<string, number>, key: string, by: number): void => {
    const n = (map.get(key) ?? 0) + by;
    if (n <= 0) map.delete(key);
    else map.set(key, n);
  };
  /** Requests admitted in this turn of the event loop; those no connection claimed are let go. */
  let thisTurn: IncomingMessage[] = [];
  const sweep = (): void => {
    const turn = thisTurn;
    thisTurn = [];
    for (const req of turn) {
      const address = admitted.get(req);
      if (address !== undefined && admitted.delete(req)) bump(reserved, address, -1);
    }
  };
  const refuse = (req: IncomingMessage, address: string, code: ErrorCode, fields: Record<string, unknown>, callback: (err: string, success: boolean) => void): void => {
    deps.metrics.protocolErrors.inc({ code });
    deps.log.info({ address, code, transport: new URL(req.url ?? '/', 'http://x').searchParams.get('transport'), ...fields }, 'connection refused');
    callback(code, false);
  };

  return {
    addressOf,
    connections: (address) => live.get(address) ?? 0,
    allowRequest(req, callback) {
      const address = addressOf(req);
      if (deps.origins.judge(req.headers) === 'refused') {
        deps.metrics.originRefused.inc({ route: 'socket.io' });
        // The origin is logged cut short: it is whatever the client wrote.
        return refuse(req, address, ErrorCode.OriginRefused, { origin: String(req.headers.origin).slice(0, 100) }, callback);
      }
      if (deps.maxPerAddress > 0) {
        const held = (live.get(address) ?? 0) + (reserved.get(address) ?? 0);
        if (held >= deps.maxPerAddress) return refuse(req, address, ErrorCode.TooManyConnections, { held, max: deps.maxPerAddress }, callback);
        bump(reserved, address, 1);
        admitted.set(req, address);
        // One sweep per turn of the event loop, for every handshake admitted in it.
        if (thisTurn.push(req) === 1) setImmediate(sweep);
      }
      callback(null, true);
    },
    track(conn) {
      if (deps.maxPerAddress <= 0) return;
      const req = conn.request;
      const address = admitted.get(req) ?? addressOf(req);
      if (admitted.delete(req)) bump(reserved, address, -1);
      bump(live, address, 1);
      conn.once('close', () => bump(live, address, -1));
    },
  };
}
