import { describe, expect, it } from 'vitest';
import { engineRequest, handshakeSid, SessionRoutes } from './session-routes.ts';

describe('front: polling session routes', () => {
  it('reads engine.io requests on any path, and the sid of a handshake answer', () => {
    expect(engineRequest('/socket.io/?EIO=4&transport=polling&t=abc')).toEqual({ sid: null, transport: 'polling', hint: null });
    expect(engineRequest('/game/?EIO=4&transport=websocket&sid=Xy_-1')).toEqual({ sid: 'Xy_-1', transport: 'websocket', hint: null });
    expect(engineRequest('/socket.io/?EIO=4&transport=websocket&node=node1.2')).toEqual({ sid: null, transport: 'websocket', hint: 'node1.2' });
    expect(engineRequest('/socket.io/?EIO=4&transport=websocket&node=a%2Fb')?.hint).toBeNull();
    expect(engineRequest('/api/guest')).toBeNull();
    expect(engineRequest('/?transport=polling')).toBeNull();
    expect(handshakeSid('0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000}')).toBe('lv_VI97HAXpY6yYWAAAC');
    expect(handshakeSid('4{"sid":"x"}')).toBeNull();
    expect(handshakeSid('{"ok":false}')).toBeNull();
  });

  it('routes a session to its node until it has been idle too long', () => {
    let now = 0;
    const routes = new SessionRoutes<string>({ idleMs: 1000, now: () => now });
    routes.remember('s1', 'a');
    routes.remember('s2', 'b');
    now = 900;
    expect(routes.lookup('s1')).toBe('a'); // touched: alive until 1900
    now = 1500;
    routes.sweep();
    expect(routes.lookup('s1')).toBe('a');
    expect(routes.lookup('s2')).toBeNull();
    expect(routes.countFor('a')).toBe(1);
  });
});
