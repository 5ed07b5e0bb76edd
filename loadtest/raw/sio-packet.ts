/**
 * socket.io text packets as the raw light bot reads and writes them (socket.io protocol v5,
 * inside an engine.io v4 message `4…`): `<type>[/nsp,][ackId][JSON]`, e.g.
 * `2/match,7["join",{}]` (an event asking for an answer) and `3/match,7[{"ok":true,…}]` (that
 * answer). Only the lobby steps and the clock use them: a few per bot and match, plus one clock
 * round trip a second. Binary events travel in the project's one-frame format (wire-parser.ts).
 */

export const enum SioType {
  Connect = 0,
  Disconnect = 1,
  Event = 2,
  Ack = 3,
  ConnectError = 4,
}

export interface SioPacket {
  type: SioType;
  nsp: string;
  id: number | null;
  data: unknown;
}

/** Parses one packet; null when it is not one (a bot counts it as a protocol error). */
export function parseSioPacket(text: string): SioPacket | null {
  const type = text.charCodeAt(0) - 48;
  if (!(type >= 0 && type <= 6)) return null;
  let i = 1;
  // Binary placeholders (5, 6) say how many attachments follow: `51-…`. The one-frame format never sends them.
  if (type === 5 || type === 6) return null;
  let nsp = '/';
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    if (comma < 0) {
      nsp = text.slice(i);
      i = text.length;
    } else {
      nsp = text.slice(i, comma);
      i = comma + 1;
    }
  }
  let id: number | null = null;
  const idStart = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i > idStart) id = Number(text.slice(idStart, i));
  let data: unknown = undefined;
  if (i < text.length) {
    try {
      data = JSON.parse(text.slice(i));
    } catch {
      return null;
    }
  }
  return { type: type as SioType, nsp, id, data };
}

/** The text of a packet to send. */
export function sioPacket(type: SioType, nsp: string, id: number | null, data?: unknown): string {
  return `${type}${nsp === '/' ? '' : `${nsp},`}${id === null ? '' : id}${data === undefined ? '' : JSON.stringify(data)}`;
}
