# Sourced by the cluster benchmarks (cluster-128.sh, crash-failover.sh): starts a throwaway
# redis-server on REDIS_PORT (pinned with `taskset -c REDIS_CORE` when REDIS_CORE is set), waits
# until it answers, and stops it (with every pid the caller adds to PIDS) when the script exits.
REDIS_DIR=$(mktemp -d)
${REDIS_CORE:+taskset -c "$REDIS_CORE"} redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save '' --appendonly no >"$OUT.redis.log" 2>&1 &
PIDS=($!)
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$REDIS_DIR"
}
trap cleanup EXIT
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# A port taken (by another process, or a client socket in the ephemeral range) leaves no Redis of
# ours (a ping could be answered by someone else's): say so and stop, rather than measure nodes
# that cannot reach it.
if ! kill -0 "${PIDS[0]}" 2>/dev/null || ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "redis-server did not start on port $REDIS_PORT:" >&2
  tail -3 "$OUT.redis.log" >&2
  exit 1
fi
