import { WIRE_EVENTS, WIRE_NAMESPACES } from './events.ts';
import { createWireParser } from './wire-parser.ts';

/** The parser both ends must use (`parser` option of socket.io Server and io()). */
export const wireParser = createWireParser({ namespaces: WIRE_NAMESPACES, events: WIRE_EVENTS });
