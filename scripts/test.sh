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
# Everything before the integration tests needs none of these packages: they install in the
# background beside npm ci, the typecheck, the page build and the unit tests, and the run waits
# for them (and prints their output if they failed) before the first suite that starts a process.
apt_pid=""
apt_log=$(mktemp)
tsc_log=$(mktemp)
tsc_pid=""
# An install under way is left to finish (a dpkg cut short leaves the machine to repair).
cleanup() {
  [ -z "$tsc_pid" ] || kill "$tsc_pid" 2>/dev/null || true
  rm -f "$apt_log" "$tsc_log"
}
trap cleanup EXIT
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; sudo -v; fi
  echo "== installing ${need_apt[*]} (Debian packages, in the background)"
  ( $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" ) </dev/null >"$apt_log" 2>&1 &
  apt_pid=$!
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

# The typecheck (one core, ~8 s) runs beside the page build and the unit tests; its output is
# printed, and its failure fails the run, once the unit tests are done.
echo "== typecheck (beside the page build and the unit tests)"
npx tsc -p tsconfig.json >"$tsc_log" 2>&1 &
tsc_pid=$!
echo "== build the game page"
npm run build:game --silent
echo "== unit tests"
npx vitest run --project unit
tsc_status=0
wait "$tsc_pid" || tsc_status=$?
tsc_pid=""
echo "== typecheck: $([ "$tsc_status" = 0 ] && echo passed || echo "FAILED (exit $tsc_status)")"
cat "$tsc_log"
[ "$tsc_status" = 0 ]

if [ -n "$apt_pid" ]; then
  apt_status=0
  wait "$apt_pid" || apt_status=$?
  apt_pid=""
  if [ "$apt_status" != 0 ]; then
    cat "$apt_log"
    echo "== installing ${need_apt[*]}: FAILED (exit $apt_status)"
    exit 1
  fi
  echo "== installed ${need_apt[*]}"
fi
echo "== integration tests (real server processes on loopback; three files at a time, then the load tests across a lost node and the hand-over crash two at a time, then the files that judge a load they make, one by one)"
npx vitest run --project 'integration*'
echo "== browser tests (Chromium; two files at a time, then the ones that judge the page's timing, one by one)"
npx vitest run --project 'browser*'
