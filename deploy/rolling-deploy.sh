#!/usr/bin/env bash
# Rolling deploy of docker-compose.yml's game nodes, without dropping a player: the same
# procedure as `npm run cluster` on SIGHUP (scripts/cluster.ts), with nginx as the front.
#
#   deploy/rolling-deploy.sh            # from the repository, with the new code checked out
#
# Docker does not run on the development machines: this script is written against Docker Engine
# 25+ and Compose v2 and checked by reading, not run; `npm run cluster` + SIGHUP is the same
# sequence as local processes, and that one is tested (test/integration/rolling-deploy.test.ts).
#
# For each running replica of the `game` service, oldest first:
#  1. one more replica is started from the new image (`--scale game=N+1 --no-recreate`: the
#     running ones are left alone; NODE_ID defaults to a per-container value, so the old and the
#     new one never share one);
#  2. the script waits until its healthcheck (GET /readyz) says healthy: it listens and reaches
#     Redis. While Redis is down no node is ready, so the roll waits here and nothing is moved;
#  3. nginx resolves `game` every 2 s (deploy/nginx.conf, `resolve`): after RESOLVE_WAIT_S the
#     new replica takes new connections;
#  4. the old replica gets SIGTERM (`docker stop`, STOP_TIMEOUT_S before SIGKILL) and drains: it
#     tells its players NODE_LEAVING, and their clients open a second connection through nginx,
#     which takes the seat over before the first one closes (open-source nginx keeps sending a
#     share of new connections to the old replica until it exits, which refuses them with
#     SERVER_DRAINING: the client asks again, while the old connection keeps the match coming);
#     then its matches are handed over at a tick boundary to the other replicas, their players
#     told MATCH_MOVED and joining again at once; then it exits and is removed.
# A replica that does not become healthy within READY_TIMEOUT_S stops the roll; the old one keeps
# running.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICE=${SERVICE:-game}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-120}
RESOLVE_WAIT_S=${RESOLVE_WAIT_S:-3}
STOP_TIMEOUT_S=${STOP_TIMEOUT_S:-40}

say() { echo "roll: $*"; }
# Full container ids (whatever length `ps -q` prints), sorted for comm.
ids() { docker compose ps -q "$SERVICE" | xargs -r docker inspect --format '{{.Id}}' | sort; }
health() { docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null || echo gone; }

docker compose build "$SERVICE"
# The replicas running now, oldest first.
mapfile -t OLD < <(docker compose ps -q "$SERVICE" | xargs -r docker inspect --format '{{.Created}} {{.Id}}' | sort | cut -d' ' -f2)
COUNT=${#OLD[@]}
[ "$COUNT" -gt 0 ] || { say "no running $SERVICE container: start the stack first (docker compose up -d)"; exit 1; }
say "replacing $COUNT $SERVICE replica(s) one at a time"
started=$(date +%s)
for old in "${OLD[@]}"; do
  before=$(ids)
  docker compose up -d --no-deps --no-recreate --scale "$SERVICE=$((COUNT + 1))" "$SERVICE"
  new=$(comm -13 <(echo "$before") <(ids) | head -1)
  [ -n "$new" ] || { say "failed: no new $SERVICE container appeared"; exit 1; }
  deadline=$(($(date +%s) + READY_TIMEOUT_S))
  until [ "$(health "$new")" = healthy ]; do
    if [ "$(date +%s)" -ge "$deadline" ] || [ "$(health "$new")" = gone ]; then
      say "failed: ${new:0:12} not healthy after ${READY_TIMEOUT_S} s (docker logs ${new:0:12}); ${old:0:12} keeps running"
      docker stop -t 10 "$new" >/dev/null || true
      docker rm "$new" >/dev/null || true
      exit 1
    fi
    sleep 1
  done
  sleep "$RESOLVE_WAIT_S"
  t=$(date +%s)
  docker stop -t "$STOP_TIMEOUT_S" "$old" >/dev/null
  docker rm "$old" >/dev/null
  say "${old:0:12} → ${new:0:12} (drain $(($(date +%s) - t)) s)"
done
say "done ($COUNT replicas replaced in $(($(date +%s) - started)) s)"
