#!/usr/bin/env bash
# The README's test command (`npm test`): installs what the suites need on a fresh Debian
# machine, then typecheck, unit, integration and browser tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# A third-party socket.io client for test/integration/standard-clients.test.ts (its WebSocket
# transport needs websocket-client).
/usr/bin/python3 -c 'import socketio' >/dev/null 2>&1 || need_apt+=(python3-socketio)
/usr/bin/python3 -c 'import websocket' >/dev/null 2>&1 || need_apt+=(python3-websocket)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "== installing ${need_apt[*]} (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

# The typecheck (one core, ~8 s) runs beside the page build and the unit tests; its output is
# printed, and its failure fails the run, once the unit tests are done.
echo "== typecheck (beside the page build and the unit tests)"
tsc_log=$(mktemp)
npx tsc -p tsconfig.json >"$tsc_log" 2>&1 &
tsc_pid=$!
trap 'kill "$tsc_pid" 2>/dev/null || true; rm -f "$tsc_log"' EXIT
echo "== build the game page"
npm run build:game --silent
echo "== unit tests"
npx vitest run --project unit
tsc_status=0
wait "$tsc_pid" || tsc_status=$?
echo "== typecheck: $([ "$tsc_status" = 0 ] && echo passed || echo "FAILED (exit $tsc_status)")"
cat "$tsc_log"
[ "$tsc_status" = 0 ]
echo "== integration tests (real server processes on loopback; two files at a time, then the two load tests across a lost node side by side, then the files that judge a load they make, one by one)"
npx vitest run --project 'integration*'
echo "== browser tests (Chromium)"
npx vitest run --project browser
