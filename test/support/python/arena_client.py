#!/usr/bin/python3
"""
An Arena player on python-socketio (Debian's python3-socketio), written from docs/protocol.md
alone: standard socket.io encoding (no `wire=compact`), the guest route, the lobby's quick play,
the match's join/input/leave, and the Arena snapshot layout (a keyframe, then deltas).

    arena_client.py URL [--seconds N]      play N seconds, print one JSON report line
    arena_client.py --examples FILE        decode the document's worked snapshot examples

It exits non-zero on any protocol failure; decode errors are reported, not raised, so the test
sees all of them.
"""
import json
import math
import struct
import sys
import threading
import time
import urllib.request

# ---------- the bit reader (docs/protocol.md, "Bit packing") ----------


class Malformed(Exception):
    pass


class BitReader:
    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.total = len(data) * 8

    def bits(self, n):
        if self.pos + n > self.total:
            raise Malformed('TRUNCATED')
        out = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            out = (out << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return out

    def bool(self):
        return self.bits(1) == 1

    def _grouped(self, width, max_groups):
        result, scale = 0, 1
        for _ in range(max_groups):
            more = self.bits(1)
            result += self.bits(width) * scale
            if not more:
                return result
            scale *= 1 << width
        raise Malformed('group run too long')

    def varuint(self):
        return self._grouped(7, 5)

    def count(self):
        return 0 if self.bits(1) == 0 else self._grouped(3, 11) + 1

    def small(self):
        if self.bits(1) == 0:
            z = self.bits(5)
        elif self.bits(1) == 0:
            z = self.bits(9)
        else:
            z = self.bits(20)
        return -(z + 1) // 2 if z & 1 else z // 2

    def f64(self):
        return struct.unpack('>d', bytes(self.bits(8) for _ in range(8)))[0]

    def expect_end(self):
        left = self.total - self.pos
        if left >= 8 or (left > 0 and self.bits(left) != 0):
            raise Malformed('trailing bits')


# ---------- Arena snapshots (docs/protocol.md, "Arena snapshot") ----------

ARENA_SNAPSHOT_VERSION = 4
USUAL_DAMAGE = 25
ANGLE_STEPS = 4096
AIM_STEPS = 256
POSITION_SCALE = 8


def js_round(v):
    """JavaScript's Math.round (halves go up), which the layout's rounding means."""
    return math.floor(v + 0.5)


def muzzle_offset(muzzle, steps, axis):
    a = steps * (2 * math.pi / ANGLE_STEPS) - math.pi
    return js_round(muzzle * (math.cos(a) if axis == 'x' else math.sin(a)))


def muzzle_of(dx, dy, steps):
    m = js_round(math.hypot(dx, dy))
    if m <= 0 or m > 255:
        return None
    return m if muzzle_offset(m, steps, 'x') == dx and muzzle_offset(m, steps, 'y') == dy else None


def learn_muzzle(base):
    players = {p['id']: p for p in base['players']}
    for p in reversed(base['projectiles']):
        if p['spawnTick'] != base['tick'] or p['owner'] not in players:
            continue
        owner = players[p['owner']]
        m = muzzle_of(p['x0'] - owner['x'], p['y0'] - owner['y'], p['steps'])
        if m is not None:
            return m
    return None


def read_full_player(r):
    p = {'id': r.bits(6), 'x': r.bits(16), 'y': r.bits(16), 'vx': r.small(), 'vy': r.small(), 'aim': r.bits(8)}
    p.update(read_stats(r))
    p['seq'] = r.varuint()
    return p


def read_stats(r):
    return {'hp': r.bits(8), 'alive': r.bool(), 'kills': r.varuint(), 'deaths': r.varuint()}


def read_seq_change(r, before):
    code = r.bits(2)
    return before if code == 0 else before + 1 if code == 1 else before + r.varuint() + 2 if code == 2 else r.bits(32)


def read_player_change(r, b):
    seq = read_seq_change(r, b['seq'])
    ux, uy = b['x'] + b['vx'], b['y'] + b['vy']
    if not r.bool():
        return dict(b, x=ux, y=uy, seq=seq)
    if r.bool():
        if r.bool():
            ux, uy = r.bits(16), r.bits(16)
        else:
            ux += r.small()
            uy += r.small()
    if not (0 <= ux <= 0xFFFF and 0 <= uy <= 0xFFFF):
        raise Malformed('position out of range')
    aim = (b['aim'] + r.small()) % AIM_STEPS if r.bool() else b['aim']
    stats = read_stats(r) if r.bool() else {k: b[k] for k in ('hp', 'alive', 'kills', 'deaths')}
    return dict(id=b['id'], x=ux, y=uy, vx=ux - b['x'], vy=uy - b['y'], aim=aim, seq=seq, **stats)


def read_events(r):
    events = []
    for _ in range(r.count()):
        kind = r.bits(3)
        if kind == 0:
            events.append({'type': 'kill', 'killer': r.bits(6), 'victim': r.bits(6)})
        elif kind == 1:
            e = {'type': 'hit', 'attacker': r.bits(6), 'victim': r.bits(6)}
            e['damage'] = r.bits(8) if r.bool() else USUAL_DAMAGE
            e['rewindTicks'] = r.count()
            events.append(e)
        elif kind == 2:
            events.append({'type': 'blocked', 'attacker': r.bits(6), 'victim': r.bits(6)})
        else:
            raise Malformed('event type %d' % kind)
    return events


def decode_arena(data, base):
    """A keyframe, or a delta against `base`; positions in 1/8 px, angles in steps."""
    r = BitReader(data)
    if r.bits(8) != ARENA_SNAPSHOT_VERSION:
        raise Malformed('BAD_VERSION')
    if r.bits(1) == 0:
        s = {'kind': 'key', 'tick': r.bits(32), 'serverTime': r.f64(), 'phase': r.bits(2), 'phaseEndTick': r.bits(32)}
        s['players'] = sorted((read_full_player(r) for _ in range(r.bits(7))), key=lambda p: p['id'])
        projectiles, last = [], -1
        for _ in range(r.varuint()):
            pid = r.bits(16) if last < 0 else (last + 1 + (0 if r.bool() else r.varuint() + 1)) & 0xFFFF
            last = pid
            p = {'id': pid, 'owner': r.bits(6), 'x0': r.bits(16), 'y0': r.bits(16), 'steps': r.bits(12)}
            p['spawnTick'] = s['tick'] - r.varuint()
            projectiles.append(p)
        s['projectiles'] = projectiles
    else:
        base_low = r.bits(8)
        if base is None:
            raise Malformed('NO_BASE')
        if base_low != base['tick'] & 0xFF:
            raise Malformed('BASE_MISMATCH')
        s = {'kind': 'delta', 'tick': base['tick'] + (1 if r.bool() else r.varuint())}
        s['serverTime'] = base['serverTime'] + r.varuint()
        s['phase'], s['phaseEndTick'] = (r.bits(2), r.bits(32)) if r.bool() else (base['phase'], base['phaseEndTick'])
        removed = {r.bits(6) for _ in range(r.count())}
        players = [read_player_change(r, b) for b in base['players'] if b['id'] not in removed]
        players += [read_full_player(r) for _ in range(r.count())]
        s['players'] = sorted(players, key=lambda p: p['id'])
        by_id = {p['id']: p for p in players}
        gone, index = set(), -1
        for _ in range(r.count()):
            index += r.count() + 1
            gone.add(index)
        out = [p for i, p in enumerate(base['projectiles']) if i not in gone]
        last = base['projectiles'][-1]['id'] if base['projectiles'] else -1
        muzzle = learn_muzzle(base)
        for _ in range(r.count()):
            pid = (last + 1) & 0xFFFF if r.bool() else r.bits(16)
            last = pid
            owner_id = r.bits(6)
            age = 0 if r.bool() else r.varuint()
            p = {'id': pid, 'owner': owner_id, 'spawnTick': s['tick'] - age}
            if not r.bool():
                p.update(x0=r.bits(16), y0=r.bits(16), steps=r.bits(12))
            else:
                owner = by_id.get(owner_id)
                if owner is None:
                    raise Malformed('projectile relative to a missing player')
                steps = (owner['aim'] * (ANGLE_STEPS // AIM_STEPS) + r.small()) % ANGLE_STEPS
                if r.bool():
                    if muzzle is None:
                        raise Malformed('muzzle spawn without a muzzle distance')
                    dx, dy = muzzle_offset(muzzle, steps, 'x'), muzzle_offset(muzzle, steps, 'y')
                else:
                    dx, dy = r.small(), r.small()
                    m = muzzle_of(dx, dy, steps)
                    muzzle = m if m is not None else muzzle
                p.update(x0=owner['x'] + dx, y0=owner['y'] + dy, steps=steps)
            out.append(p)
        s['projectiles'] = out
    s['events'] = read_events(r)
    r.expect_end()
    return s


# ---------- Arena input (docs/protocol.md, "Arena input") ----------

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8


def arena_input(seq, buttons, aim, client_tick):
    return struct.pack('>BIBfI', 1, seq, buttons, aim, client_tick)


# ---------- the worked examples ----------


def check_examples(path):
    """Decodes the document's Arena snapshot examples in order; prints each, one JSON per line."""
    text = open(path, encoding='utf-8').read()
    base = None
    for block in text.split('```wire-example arena.')[1:]:
        kind, _values, hex_line = block.split('```')[0].strip().splitlines()[:3]
        if kind not in ('keyframe', 'delta'):
            continue
        s = decode_arena(bytes.fromhex(hex_line.replace(' ', '')), base)
        base = s
        print(json.dumps(s, sort_keys=True))


# ---------- playing ----------


def play(url, seconds):
    import socketio  # Debian's python3-socketio; the websocket transport needs python3-websocket

    req = urllib.request.Request(url + '/api/guest', data=json.dumps({'nickname': 'py-client'}).encode(), headers={'content-type': 'application/json'})
    guest = json.loads(urllib.request.urlopen(req, timeout=5).read())
    assert guest['ok'], guest

    sio = socketio.Client(reconnection=False)
    session, matched, playing = threading.Event(), threading.Event(), threading.Event()
    state = {'matchId': None, 'slot': None, 'snapshots': [], 'base': None, 'errors': [], 'keyframes': 0}

    @sio.on('session', namespace='/lobby')
    def on_session(data):
        session.set()

    @sio.on('matched', namespace='/lobby')
    def on_matched(seat):
        state['matchId'] = seat['matchId']
        matched.set()

    @sio.on('snapshot', namespace='/match')
    def on_snapshot(data):
        try:
            s = decode_arena(data, state['base'])
        except Malformed as e:
            state['errors'].append(str(e))
            return
        state['base'] = s
        state['keyframes'] += s['kind'] == 'key'
        mine = next((p for p in s['players'] if p['id'] == state['slot']), None)
        state['snapshots'].append((time.monotonic(), s['tick'], s['phase'], mine))
        if s['phase'] == 2:
            playing.set()

    sio.connect(url, transports=['websocket'], namespaces=['/lobby', '/match'], auth={'token': guest['token'], 'protocol': 2}, wait_timeout=5)
    assert session.wait(5), 'no session'
    queued = sio.call('quickplay', {'mode': 'ffa'}, namespace='/lobby', timeout=5)
    assert queued['ok'], queued
    assert matched.wait(10), 'not matched'
    info = sio.call('join', {'matchId': state['matchId']}, namespace='/match', timeout=5)
    assert info['ok'], info
    state['slot'] = info['slot']
    tick_rate = info['tickRate']
    assert playing.wait(10), 'the match did not start'

    start = time.monotonic()
    first = len(state['snapshots'])
    seq = 0
    compass = [RIGHT, DOWN, LEFT, UP]
    while time.monotonic() - start < seconds:
        quarter = min(3, int(4 * (time.monotonic() - start) / seconds))
        seq += 1
        sio.emit('input', arena_input(seq, compass[quarter], 0.0, state['snapshots'][-1][1]), namespace='/match')
        time.sleep(1 / tick_rate)
    elapsed = time.monotonic() - start
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and (state['snapshots'][-1][3] or {}).get('seq', 0) < seq:
        time.sleep(0.01)

    run = [s for s in state['snapshots'][first:] if s[3] is not None]
    x0, y0 = run[0][3]['x'], run[0][3]['y']
    moved = max(math.hypot(s[3]['x'] - x0, s[3]['y'] - y0) for s in run) / POSITION_SCALE
    ticks = [s[1] for s in state['snapshots']]
    left = sio.call('leave', namespace='/match', timeout=5)
    sio.disconnect()
    window = [s for s in state['snapshots'] if start <= s[0] <= start + elapsed]
    print(json.dumps({
        'tickRate': tick_rate,
        'snapshots': len(window),
        'playingSeconds': elapsed,
        'decodeErrors': state['errors'],
        'gaps': sum(1 for a, b in zip(ticks, ticks[1:]) if b != a + 1),
        'keyframes': state['keyframes'],
        'moved': moved,
        'inputsSent': seq,
        'lastInputSeq': run[-1][3]['seq'],
        'left': left == {'ok': True},
    }))


if __name__ == '__main__':
    if sys.argv[1] == '--examples':
        check_examples(sys.argv[2])
    else:
        play(sys.argv[1].rstrip('/'), float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--seconds' else 2.0)
