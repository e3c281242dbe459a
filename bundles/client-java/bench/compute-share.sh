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
. "$here/bench-java.sh"
out=${1:-${OUT:?give an output folder or set OUT}}
backend=${2:-cuda}
shift $(( $# > 2 ? 2 : $# ))
bench_java compute-share.sh
mkdir -p "$out"
bench_env "$out/compute-share.env" name,driver_version,clocks.sm,clocks.max.sm,compute_mode

exec "$java" --enable-native-access=ALL-UNNAMED -Xms1g -Dorion.log.level=WARN -cp "$cp" \
  io.orion.client.bench.ComputeShareBench --backend "$backend" --out "$out" "$@"
