#!/usr/bin/env bash
# Checks deploy/nginx.conf's route hint (`?node=<NODE_ID>`) with a real nginx on loopback, without
# Docker: a stub DNS server (stub-dns.py) answers for two fake nodes' "container ids"
# (aaaaaaaaaaaa → 127.0.0.2, bbbbbbbbbbbb → 127.0.0.3, cccccccccccc → 127.0.0.4 where nothing
# listens; any other name: NXDOMAIN), and the `game` upstream is those two addresses instead of
# the service name (open-source nginx before 1.27.3 has no `resolve`). Everything else is the file
# as it ships. Needs nginx, python3 and node; binds 127.0.0.2:3000, 127.0.0.3:3000, 127.0.0.1:43053
# and 127.0.0.1:43080.
#
#   deploy/check/route-hint.sh      → prints each case and "route hints: all N checks passed"
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d)
PIDS=()
cleanup() {
  [ -f "$DIR/nginx.pid" ] && nginx -p "$DIR" -c "$DIR/nginx.conf" -s stop 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT
mkdir -p "$DIR/tmp" "$DIR/logs"
sed -e 's|resolver 127.0.0.11 valid=2s ipv6=off;|resolver 127.0.0.1:43053 valid=2s ipv6=off;|' \
    -e 's|  server game:3000 resolve max_fails=2 fail_timeout=5s;|  server 127.0.0.2:3000 max_fails=2 fail_timeout=5s; server 127.0.0.3:3000 max_fails=2 fail_timeout=5s;|' \
    -e 's|  listen 80;|  listen 127.0.0.1:43080;|' "$HERE/../nginx.conf" >"$DIR/site.conf"
grep -q '127.0.0.1:43053' "$DIR/site.conf" && grep -q '127.0.0.2:3000' "$DIR/site.conf" || { echo "nginx.conf changed: update the substitutions here" >&2; exit 1; }
cat >"$DIR/nginx.conf" <<CONF
pid $DIR/nginx.pid;
error_log $DIR/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp; uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  include $DIR/site.conf;
}
CONF
cat >"$DIR/nodes.cjs" <<'JS'
// Two fake game nodes: every request answers the node's name; an upgrade echoes with it.
const http = require('node:http');
for (const [name, host] of [['A', '127.0.0.2'], ['B', '127.0.0.3']]) {
  const srv = http.createServer((req, res) => res.end(name));
  srv.on('upgrade', (_req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', () => socket.end(name));
    socket.on('error', () => {});
  });
  srv.listen(3000, host);
}
JS
cat >"$DIR/ws.cjs" <<'JS'
// Opens a WebSocket upgrade through nginx (with the hint, if any) and prints the node that answered.
const net = require('node:net');
const hint = process.argv[2] ?? '';
const s = net.connect(43080, '127.0.0.1', () =>
  s.write(`GET /socket.io/?EIO=4&transport=websocket${hint && `&node=${hint}`} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`));
let buf = '';
s.on('data', (d) => {
  buf += d;
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return;
  if (!buf.startsWith('HTTP/1.1 101')) return void (console.log(buf.split('\r\n')[0]), s.destroy());
  if (buf.length === end + 4) s.write('hi');
  else (console.log(buf.slice(end + 4)), s.destroy());
});
s.on('error', (e) => console.log(e.code));
setTimeout(() => (console.log('timeout'), process.exit()), 5000).unref();
JS
python3 "$HERE/stub-dns.py" & PIDS+=($!)
node "$DIR/nodes.cjs" & PIDS+=($!)
sleep 0.5
nginx -p "$DIR" -c "$DIR/nginx.conf"

passed=0
check() { # what expected actual
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); printf '  ok    %-58s %s\n' "$1" "$3"; else printf '  FAIL  %-58s expected %s, got %s\n' "$1" "$2" "$3"; exit 1; fi
}
poll() { curl -s -m 5 --interface "$1" -w ' %{http_code}' "http://127.0.0.1:43080/socket.io/?EIO=4&transport=polling$2"; }
for src in 127.0.0.1 127.0.0.5 127.0.0.6 127.0.0.7; do
  usual=$(poll $src '')
  check "from $src, no hint: the usual node" "$usual" "$usual"
  check "from $src, hint a: node A" "A 200" "$(poll $src '&node=aaaaaaaaaaaa-12-abcd')"
  check "from $src, hint b: node B" "B 200" "$(poll $src '&node=bbbbbbbbbbbb-7-00ff')"
  check "from $src, hint of a node that refuses: the usual node" "$usual" "$(poll $src '&node=cccccccccccc-1-aaaa')"
  check "from $src, hint of a node that is gone (NXDOMAIN): the usual node" "$usual" "$(poll $src '&node=dddddddddddd-1-aaaa')"
  check "from $src, forged hint (an address): the usual node" "$usual" "$(poll $src '&node=127.0.0.1:22')"
  check "from $src, malformed hint: the usual node" "$usual" "$(poll $src '&node=%00../x')"
done
usual=$(poll 127.0.0.1 '&sid=s1')
other=$([ "$usual" = "A 200" ] && echo bbbbbbbbbbbb-1-abcd || echo aaaaaaaaaaaa-1-abcd)
check "a session's request (sid) keeps to its node, whatever the hint" "$usual" "$(poll 127.0.0.1 "&sid=s1&node=$other")"
check "WebSocket, hint a" "A" "$(node "$DIR/ws.cjs" aaaaaaaaaaaa-1-abcd)"
check "WebSocket, hint b" "B" "$(node "$DIR/ws.cjs" bbbbbbbbbbbb-1-abcd)"
ws=$(node "$DIR/ws.cjs" cccccccccccc-1-abcd)
check "WebSocket, hint of a node that refuses: upgraded elsewhere" "yes" "$([ "$ws" = A ] || [ "$ws" = B ] && echo yes || echo "$ws")"
ws=$(node "$DIR/ws.cjs" dddddddddddd-1-abcd)
check "WebSocket, hint of a node that is gone: upgraded elsewhere" "yes" "$([ "$ws" = A ] || [ "$ws" = B ] && echo yes || echo "$ws")"
echo "route hints: all $passed checks passed"
