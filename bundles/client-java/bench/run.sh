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
. "$here/bench-java.sh"
out=${1:-${OUT:?give an output folder or set OUT}}
backend=${2:-cuda}
shift $(( $# > 2 ? 2 : $# ))
bench_java run.sh
mkdir -p "$out"
bench_env "$out/remoting-bench.env" name,driver_version,pcie.link.gen.current,pcie.link.width.current

exec "$java" --enable-native-access=ALL-UNNAMED -Xms2g -Dorion.log.level=WARN -cp "$cp" \
  io.orion.client.bench.RemotingBench --backend "$backend" --out "$out" "$@"
