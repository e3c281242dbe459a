#!/usr/bin/env bash
# Placement at scale: 10 000 GPUs over 1 250 nodes, binpack and spread, 1 and 4 callers.
# Prints a table: allocations/s, share refused, p50/p99/max latency, fragmentation, memory in use;
# then a verdict per policy and number of callers against >= 10 000/s and p99 <= 5 ms.
#   bundles/controller/bench/placement.sh [SECONDS_PER_CASE]              build, then run (default 5 s a case)
#   bundles/controller/bench/placement.sh --prebuilt [SECONDS_PER_CASE]   run what is built (the GPU machine has no Maven)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
. bin/jdk.sh
orion_find_jdk
lib=bundles/controller/target/bench-lib
if [ "${1:-}" != "--prebuilt" ]; then
  # Build, and gather what the benchmark needs into target/bench-lib (also what the GPU machine is given).
  bin/build -- -q -o -DskipTests install -pl bundles/controller -am >/dev/null
  bin/build -- -q -o dependency:copy-dependencies -pl bundles/controller -DincludeScope=test -DoutputDirectory=target/bench-lib >/dev/null
else
  shift
fi
"$JAVA_HOME/bin/java" -Xmx4g -XX:+UseParallelGC -cp "bundles/controller/target/classes:bundles/controller/target/test-classes:$lib/*" \
  io.orion.controller.bench.PlacementBench "${1:-5}"
