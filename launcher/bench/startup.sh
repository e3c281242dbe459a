#!/usr/bin/env bash
# Measures how long `bin/orion standalone` takes, after the build, until it is ready:
#   prompt  - the interactive console prompt ("orion> ") appears on a terminal (run under `script`)
#   health  - GET /health answers
# Prints one row per run and the median. Usage: launcher/bench/startup.sh [RUNS]   (default 5)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
port=${ORION_HTTP_PORT:-19123}
command -v script >/dev/null || { echo "startup.sh needs 'script' (util-linux) to give the console a terminal" >&2; exit 2; }
[ -f "$repo/launcher/target/standalone.jar" ] || { echo "build first: bin/build" >&2; exit 2; }
export ORION_HTTP_PORT=$port ORION_CONSOLE_PORT=$((port + 1)) ORION_HOME=$(mktemp -d)
trap 'rm -rf "$ORION_HOME"' EXIT
now() { date +%s%N; }
printf "%-4s %10s %10s\n" run prompt_ms health_ms
prompts=(); healths=()
for i in $(seq 1 "$runs"); do
  out=$(mktemp)
  start=$(now)
  # a terminal of a real size: JLine draws its prompt from the window width
  script -qfec "stty cols 120 rows 40; $repo/bin/orion standalone" /dev/null > "$out" 2>&1 < <(sleep 30) &
  pid=$!
  prompt=""; health=""
  while [ -z "$prompt" ] || [ -z "$health" ]; do
    [ -z "$prompt" ] && grep -q "orion> " "$out" && prompt=$(( ($(now) - start) / 1000000 ))
    [ -z "$health" ] && curl -s -o /dev/null "http://127.0.0.1:$port/health" && health=$(( ($(now) - start) / 1000000 ))
    [ $(( ($(now) - start) / 1000000 )) -gt 20000 ] && { echo "not ready after 20 s; output:" >&2; cat "$out" >&2; exit 1; }
    sleep 0.01
  done
  pkill -f "orion.role=standalone.*$port" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  printf "%-4s %10s %10s\n" "$i" "$prompt" "$health"
  prompts+=("$prompt"); healths+=("$health")
  rm -f "$out"
  sleep 0.5
done
median() { printf "%s\n" "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "%-4s %10s %10s\n" med "$(median "${prompts[@]}")" "$(median "${healths[@]}")"
