/**
 * The route hint in a connection's query (`?node=…`, MatchConnection.routeTo): what the next
 * connection's URL carries, whatever query the caller gave, and never written into the caller's
 * own object.
 */
import { describe, expect, it } from 'vitest';
import { ROUTE_HINT_PARAM, setRouteHint } from './match-connection.ts';

describe('route hint', () => {
  it('adds the node to no query, a string query or an object query, replacing an older hint', () => {
    const none: { query?: unknown } = {};
    setRouteHint(none, 'node2');
    expect(none.query).toEqual({ [ROUTE_HINT_PARAM]: 'node2' });
    const text: { query?: unknown } = { query: 'room=7&node=old' };
    setRouteHint(text, 'node1.2');
    expect(text.query).toEqual({ room: '7', node: 'node1.2' });
    const callers = { room: '7' };
    const object: { query?: unknown } = { query: callers };
    setRouteHint(object, 'node3');
    expect(object.query).toEqual({ room: '7', node: 'node3' });
    expect(callers).toEqual({ room: '7' });
  });
});
