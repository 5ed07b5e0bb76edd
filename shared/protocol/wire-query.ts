/**
 * The engine.io handshake query parameter by which a client asks for the compact wire
 * (`/socket.io/?EIO=4&transport=websocket&wire=compact`). A connection without it gets socket.io's
 * standard encoding, so any socket.io client can play (docs/protocol.md, "Wire formats"). A module
 * of its own so the page's entry module can name it without the wire parser.
 */
export const WIRE_QUERY_PARAM = 'wire';
export const COMPACT_WIRE = 'compact';
