#!/usr/bin/env bash
# The remoting benchmark on a GPU machine: direct backend calls against the same calls through the
# server over shared memory and TCP loopback, in one process, one run (docs/benchmarks.md).
#
#   bundles/client-java/bench/run.sh [OUT_DIR] [BACKEND] [extra RemotingBench arguments]
#
# OUT_DIR defaults to $OUT; BACKEND to cuda (host runs it on the CPU, to check the harness).
# Needs only a JDK/JRE 25 (JAVA, else /tmp/jre/bin/java, else java on PATH) and what the build left
# under bundles/client-java/target: its jar, test-classes and bench-lib/ (run bin/build first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
out=${1:-${OUT:?give an output folder or set OUT}}
backend=${2:-cuda}
shift $(( $# > 2 ? 2 : $# ))

java=${JAVA:-/tmp/jre/bin/java}
[ -x "$java" ] || java=$(command -v java || true)
[ -n "$java" ] && [ -x "$java" ] || { echo "run.sh: no java (set JAVA, or unpack a JRE 25 at /tmp/jre)" >&2; exit 1; }

jar=$(ls "$module"/target/io.orion.client-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)
[ -n "$jar" ] && [ -d "$module/target/test-classes" ] && [ -d "$module/target/bench-lib" ] \
  || { echo "run.sh: build first (bin/build): $module/target has no jar, test-classes or bench-lib" >&2; exit 1; }

mkdir -p "$out"
{
  echo "# $(date -u +%FT%TZ) $(uname -n) $(uname -r)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current,pcie.link.width.current --format=csv,noheader || true
  "$java" -version 2>&1 | head -1
} > "$out/remoting-bench.env"

exec "$java" --enable-native-access=ALL-UNNAMED -Xms2g -Dorion.log.level=WARN \
  -cp "$module/target/test-classes:$jar:$module/target/bench-lib/*" \
  io.orion.client.bench.RemotingBench --backend "$backend" --out "$out" "$@"
