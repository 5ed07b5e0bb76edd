/**
 * The version of everything a client and a server must agree on: event names and payloads, the
 * wire parser, the games' codecs. Clients send it at the handshake (`auth.protocol`); a server
 * of another version refuses them with VERSION_MISMATCH instead of failing later on a payload.
 * Bump it with any change a deployed client could not understand.
 */
export const PROTOCOL_VERSION = 2;

/** What a client sends at the handshake of /lobby and /match. */
export const handshakeAuth = (token: string): { token: string; protocol: number } => ({ token, protocol: PROTOCOL_VERSION });
