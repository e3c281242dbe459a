#!/usr/bin/env bash
# What the Maven build runs for the native client (client/pom.xml): checks the tools, then make.
#   build.sh all    libraries, tools and C tests into target/
#   build.sh test   and run the C unit tests (JUnit reports in target/test-reports/c)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for tool in make "${CC:-gcc}"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "client: '$tool' is not installed; the native client is built with gcc and make (apt-get install build-essential)" >&2
    exit 1
  fi
done
jobs=$(( $(nproc 2>/dev/null || echo 1) < 2 ? 1 : 2 ))
exec make -C "$here" -j"$jobs" WERROR="${ORION_WERROR--Werror}" "${1:-all}"
