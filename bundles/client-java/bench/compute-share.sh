#!/usr/bin/env bash
# The compute-share benchmark (issue 8) on a GPU machine: vGPU shares through the real server and
# its compute gate, strict and elastic, against the gate off; a pod of two processes sharing its
# group's ratio; a ratio changed mid-run; the gate's overhead at ratio 100 against the backend
# called directly. About 3.5 minutes on the H200.
#
#   bundles/client-java/bench/compute-share.sh [OUT_DIR] [BACKEND] [extra ComputeShareBench arguments]
#
# OUT_DIR defaults to $OUT; BACKEND to cuda (host runs it on the CPU, to check the harness: the
# figures then mean nothing). Needs only a JRE 25 (JAVA, else /tmp/jre/bin/java, else java on PATH)
# and what the build left under bundles/client-java/target: its jar, test-classes and bench-lib/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
out=${1:-${OUT:?give an output folder or set OUT}}
backend=${2:-cuda}
shift $(( $# > 2 ? 2 : $# ))

java=${JAVA:-/tmp/jre/bin/java}
[ -x "$java" ] || java=$(command -v java || true)
[ -n "$java" ] && [ -x "$java" ] || { echo "compute-share.sh: no java (set JAVA, or unpack a JRE 25 at /tmp/jre)" >&2; exit 1; }

jar=$(ls "$module"/target/io.orion.client-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)
[ -n "$jar" ] && [ -d "$module/target/test-classes" ] && [ -d "$module/target/bench-lib" ] \
  || { echo "compute-share.sh: build first (bin/build): $module/target has no jar, test-classes or bench-lib" >&2; exit 1; }

mkdir -p "$out"
{
  echo "# $(date -u +%FT%TZ) $(uname -n) $(uname -r)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,compute_mode --format=csv,noheader || true
  "$java" -version 2>&1 | head -1
} > "$out/compute-share.env"

exec "$java" --enable-native-access=ALL-UNNAMED -Xms1g -Dorion.log.level=WARN \
  -cp "$module/target/test-classes:$jar:$module/target/bench-lib/*" \
  io.orion.client.bench.ComputeShareBench --backend "$backend" --out "$out" "$@"
