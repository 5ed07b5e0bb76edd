import { WIRE_EVENTS, WIRE_NAMESPACES } from './events.ts';
import { createWireParser } from './wire-parser.ts';
import { COMPACT_WIRE, WIRE_QUERY_PARAM } from './wire-query.ts';
export { COMPACT_WIRE, WIRE_QUERY_PARAM } from './wire-query.ts';

/** The parser both ends must use (`parser` option of socket.io Server and io()). */
export const wireParser = createWireParser({ namespaces: WIRE_NAMESPACES, events: WIRE_EVENTS });

/**
 * socket.io-client options that speak the compact wire: the wire parser, and the handshake query
 * asking the server for it. Options naming another parser (the loadtest's JSON mode passes
 * socket.io's default) are returned as they are: that client speaks the standard encoding.
 */
export function compactWireOptions<O extends object>(opts: O): O {
  const given = opts as { parser?: unknown; query?: unknown };
  const parser = given.parser ?? wireParser;
  if (parser !== wireParser) return opts;
  const query = typeof given.query === 'object' && given.query !== null ? given.query : {};
  return { ...opts, parser, query: { ...query, [WIRE_QUERY_PARAM]: COMPACT_WIRE } };
}
