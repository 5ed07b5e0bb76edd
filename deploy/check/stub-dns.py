# A stub DNS server for deploy/check/route-hint.sh: three 12-hex "container ids" to loopback
# addresses, any other name NXDOMAIN. UDP on 127.0.0.1:43053, A records only.
import socket, struct, sys
MAP = {'aaaaaaaaaaaa': '127.0.0.2', 'bbbbbbbbbbbb': '127.0.0.3', 'cccccccccccc': '127.0.0.4'}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 43053))
while True:
    data, addr = s.recvfrom(512)
    tid, flags, qd = struct.unpack('>HHH', data[:6])
    i = 12; labels = []
    while data[i]:
        l = data[i]; labels.append(data[i+1:i+1+l].decode()); i += 1 + l
    q = data[12:i+5]; qtype = struct.unpack('>H', data[i+1:i+3])[0]
    name = labels[0] if labels else ''
    ip = MAP.get(name) if qtype == 1 else None
    if ip:
        hdr = struct.pack('>HHHHHH', tid, 0x8180, 1, 1, 0, 0)
        ans = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 2, 4) + socket.inet_aton(ip)
    else:
        rcode = 3 if name not in MAP else 0
        hdr = struct.pack('>HHHHHH', tid, 0x8180 | rcode, 1, 0, 0, 0); ans = b''
    s.sendto(hdr + q + ans, addr)
